//! Line plots with plotters, to SVG or PNG (chosen by the file's extension), with no system
//! libraries: text is drawn with an embedded DejaVu Sans font through ab_glyph, and PNGs are
//! encoded by the pure-Rust `png` crate (the default `png` feature).
//!
//! Two figures of the tutorials are one call each: a function with its derivatives over a
//! range ([`derivatives`], autograd's tanh figure and MyGrad's `plot_func_and_deriv`), and a
//! training [`loss_curve`]. [`Figure`] draws any set of [`Series`]: lines, dashed lines and
//! scatters ([`Figure::scatter`]).
//!
//! ```
//! use ferrograd::{plot, Tensor};
//! let path = std::env::temp_dir().join("ferrograd-doc-tanh.svg");
//! plot::derivatives(|x: &Tensor| x.tanh(), -7.0, 7.0, 200, 2)
//!     .title("tanh and its first two derivatives")
//!     .save(&path)
//!     .unwrap();
//! assert!(std::fs::read_to_string(&path).unwrap().contains("<svg"));
//! # std::fs::remove_file(&path).unwrap();
//! ```

use std::path::Path;
use std::sync::OnceLock;

use ferrograd_core::{Error, Result, Tensor};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::io::{io_error, write_atomically};
use crate::{elementwise_grad, np};

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A solid line through the points in order.
    Line,
    /// A dashed line through the points in order.
    Dashed,
    /// A dot at each point, unconnected (a scatter plot).
    Points,
}

/// One series of a figure: a line or a set of points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend's text (an empty label leaves the series out of the legend).
    pub label: String,
    /// The x coordinates.
    pub x: Vec<f64>,
    /// The y coordinates (non-finite values are skipped).
    pub y: Vec<f64>,
    /// Line, dashed line or points.
    pub mark: Mark,
}

/// A figure of series (lines and scatters), drawn with [`Figure::save`].
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// A logarithmic y axis (only positive values are drawn).
    pub log_y: bool,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

impl Default for Figure {
    fn default() -> Self {
        Figure {
            title: String::new(),
            x_label: "x".to_string(),
            y_label: String::new(),
            series: Vec::new(),
            log_y: false,
            size: (800, 500),
        }
    }
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Figures are drawn at this multiple of their size: plotters snaps coordinates to whole
/// pixels, so a curve sampled every pixel or two wobbles by up to half a pixel per segment.
/// PNGs are averaged back down (which also anti-aliases them); SVGs keep the fine
/// coordinates under a `viewBox` and declare the figure's own size.
const SCALE: u32 = 4;

impl Figure {
    /// An empty figure with a title.
    pub fn new(title: &str) -> Self {
        Figure::default().title(title)
    }

    /// Sets the title.
    pub fn title(mut self, title: &str) -> Self {
        self.title = title.to_string();
        self
    }

    /// Sets the axis labels.
    pub fn labels(mut self, x: &str, y: &str) -> Self {
        self.x_label = x.to_string();
        self.y_label = y.to_string();
        self
    }

    /// Adds a line through the points `(x[i], y[i])` in order, solid or dashed.
    pub fn line(mut self, label: &str, x: &[f64], y: &[f64], dashed: bool) -> Self {
        let mark = if dashed { Mark::Dashed } else { Mark::Line };
        self.series.push(Series {
            label: label.to_string(),
            x: x.to_vec(),
            y: y.to_vec(),
            mark,
        });
        self
    }

    /// Adds a scatter series: a dot at each point `(x[i], y[i])`, unconnected (drawn
    /// translucent, so dense data shows its density).
    ///
    /// # Examples
    /// Noisy samples with the curve they came from:
    /// ```
    /// use ferrograd::plot;
    /// let x: Vec<f64> = (0..50).map(|i| i as f64 / 10.0).collect();
    /// let noisy: Vec<f64> = x.iter().enumerate().map(|(i, v)| v * v + (i % 3) as f64 - 1.0).collect();
    /// let curve: Vec<f64> = x.iter().map(|v| v * v).collect();
    /// let fig = plot::Figure::new("samples of x²")
    ///     .labels("x", "y")
    ///     .scatter("data", &x, &noisy)
    ///     .line("x²", &x, &curve, false);
    /// assert_eq!(fig.series[0].mark, plot::Mark::Points);
    /// assert!(fig.to_svg().unwrap().contains("<circle"));
    /// ```
    pub fn scatter(mut self, label: &str, x: &[f64], y: &[f64]) -> Self {
        self.series.push(Series {
            label: label.to_string(),
            x: x.to_vec(),
            y: y.to_vec(),
            mark: Mark::Points,
        });
        self
    }

    /// Draws the figure to `path`: SVG for a `.svg` extension, PNG for `.png` (with the
    /// `png` feature).
    ///
    /// # Errors
    /// For another extension, a figure without drawable points, or a failed write.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let bytes = match ext.to_ascii_lowercase().as_str() {
            "svg" => self.to_svg()?.into_bytes(),
            "png" => self.to_png()?,
            _ => {
                return Err(io_error(
                    "plot",
                    path,
                    "the file name must end in .svg or .png (which chooses the format)",
                ))
            }
        };
        write_atomically("plot", path, &bytes)
    }

    /// The figure as an SVG document.
    ///
    /// # Errors
    /// If the figure has no drawable points.
    pub fn to_svg(&self) -> Result<String> {
        let (w, h) = self.size;
        let mut out = String::new();
        {
            let big = (w * SCALE, h * SCALE);
            let root = SVGBackend::with_string(&mut out, big).into_drawing_area();
            self.draw(&root)?;
        }
        // The root element's size becomes the figure's; its viewBox keeps the drawing's.
        let drawn = format!("width=\"{}\" height=\"{}\"", w * SCALE, h * SCALE);
        Ok(out.replacen(&drawn, &format!("width=\"{w}\" height=\"{h}\""), 1))
    }

    /// The figure as PNG bytes.
    ///
    /// # Errors
    /// If the figure has no drawable points, or ferrograd was built without the `png`
    /// feature.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        let (w, h) = self.size;
        let mut rgb = vec![0u8; (w * SCALE) as usize * (h * SCALE) as usize * 3];
        {
            let big = (w * SCALE, h * SCALE);
            let root = BitMapBackend::with_buffer(&mut rgb, big).into_drawing_area();
            self.draw(&root)?;
        }
        encode_png(&downsample(&rgb, w as usize, h as usize), w, h)
    }

    /// The x range and y range over the finite (and, on a log axis, positive) points.
    fn bounds(&self) -> Result<((f64, f64), (f64, f64))> {
        let mut xs = (f64::INFINITY, f64::NEG_INFINITY);
        let mut ys = xs;
        for s in &self.series {
            for (&x, &y) in s.x.iter().zip(&s.y) {
                if x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0) {
                    xs = (xs.0.min(x), xs.1.max(x));
                    ys = (ys.0.min(y), ys.1.max(y));
                }
            }
        }
        if xs.0 > xs.1 {
            return Err(Error::invalid(
                "plot",
                "the figure has no finite points to draw",
            ));
        }
        let pad = |(lo, hi): (f64, f64), log: bool| {
            if log {
                (lo / 1.2, hi * 1.2)
            } else if lo == hi {
                (lo - 1.0, hi + 1.0)
            } else {
                (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
            }
        };
        let xs = if xs.0 == xs.1 { pad(xs, false) } else { xs };
        Ok((xs, pad(ys, self.log_y)))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        register_font()?;
        let ((x0, x1), (y0, y1)) = self.bounds()?;
        let x = RangedCoordf64::from(x0..x1);
        if self.log_y {
            let (bold, light) = log_ticks(y0, y1);
            let y = (y0..y1).log_scale().with_key_points(bold);
            self.draw_on(root, x, y.with_light_points(light), y0)
        } else {
            let zero_below = (y1 - y0) * 1e-9;
            self.draw_on(root, x, RangedCoordf64::from(y0..y1), zero_below)
        }
    }

    /// Draws axes, series and legend; `y_zero` is the magnitude below which a y tick reads 0.
    fn draw_on<DB, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: RangedCoordf64,
        y: Y,
        y_zero: f64,
    ) -> Result<()>
    where
        DB: DrawingBackend,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let fail = |e: String| Error::invalid("plot", format!("drawing failed: {e}"));
        let s = SCALE;
        let x_zero = (x.range().end - x.range().start) * 1e-9;
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22 * s))
            .margin(15 * s)
            .x_label_area_size(40 * s)
            .y_label_area_size(70 * s)
            .build_cartesian_2d(x, y)
            .map_err(|e| fail(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .label_style(("sans-serif", 12 * s))
            .axis_desc_style(("sans-serif", 14 * s))
            .set_all_tick_mark_size(5 * s)
            .axis_style(BLACK.stroke_width(s))
            .bold_line_style(BLACK.mix(0.2).stroke_width(s))
            .light_line_style(RGBColor(235, 235, 235).stroke_width(s))
            .x_label_formatter(&|v| tick_label(*v, x_zero))
            .y_label_formatter(&|v| tick_label(*v, y_zero))
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        for (i, series) in self.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let line = color.stroke_width(2 * s);
            let log_y = self.log_y;
            let points: Vec<(f64, f64)> = (series.x.iter().zip(&series.y))
                .map(|(&x, &y)| (x, y))
                .filter(|&(x, y)| x.is_finite() && y.is_finite() && (!log_y || y > 0.0))
                .collect();
            let (dash, gap) = (8 * s, 5 * s);
            let dot = color.mix(0.45).filled();
            let drawn = match series.mark {
                Mark::Line => chart.draw_series(LineSeries::new(points, line)),
                Mark::Dashed => chart.draw_series(DashedLineSeries::new(points, dash, gap, line)),
                Mark::Points => chart.draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 2 * s as i32, dot)),
                ),
            }
            .map_err(|e| fail(e.to_string()))?;
            if series.label.is_empty() {
                continue;
            }
            // Each legend swatch is drawn the way its series is.
            let w = 24 * s as i32;
            let mark = series.mark;
            drawn.label(&series.label).legend(move |(x, y)| match mark {
                Mark::Line => PathElement::new(vec![(x, y), (x + w, y)], line).into_dyn(),
                Mark::Dashed => {
                    DashedPathElement::new(vec![(x, y), (x + w, y)], dash, gap, line).into_dyn()
                }
                Mark::Points => {
                    Circle::new((x + w / 2, y), 3 * s as i32, color.filled()).into_dyn()
                }
            });
        }
        if self.series.iter().any(|s| !s.label.is_empty()) {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.stroke_width(s))
                .position(SeriesLabelPosition::UpperRight)
                .margin(10 * s)
                .legend_area_size(30 * s)
                .label_font(("sans-serif", 15 * s))
                .draw()
                .map_err(|e| fail(e.to_string()))?;
        }
        root.present().map_err(|e| fail(e.to_string()))
    }
}

/// A tick's text: whole numbers without a decimal point ("500", not "500.0"), others with
/// six significant digits less trailing zeros; magnitudes under `zero` (rounding left over
/// from the tick arithmetic) read "0".
fn tick_label(v: f64, zero: f64) -> String {
    if v.abs() <= zero || v == 0.0 {
        return "0".to_string();
    }
    let r = v.round();
    if (v - r).abs() <= 1e-9 * v.abs().max(1.0) && r.abs() < 1e15 {
        return format!("{}", r as i64);
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-5..15).contains(&magnitude) {
        return format!("{v:.3e}");
    }
    let decimals = (5 - magnitude).max(0) as usize;
    let text = format!("{v:.decimals$}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Ticks of a log axis over `[lo, hi]` (bold, light): 1, 2 and 5 times each power of ten,
/// or the powers alone when that gives more than 10 labels (every few decades past 10
/// decades), or 1..9 times them when fewer than 3; light grid lines at 1..9 times each
/// power.
fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let at = |mantissas: &[f64]| -> Vec<f64> {
        (d0..=d1)
            .flat_map(|d| mantissas.iter().map(move |&m| m * 10f64.powi(d)))
            .filter(|&v| v >= lo && v <= hi)
            .collect()
    };
    let all = at(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    let mut bold = at(&[1.0, 2.0, 5.0]);
    if bold.len() > 10 {
        let powers = at(&[1.0]);
        let every = powers.len().div_ceil(8);
        bold = powers.into_iter().step_by(every).collect();
    } else if bold.len() < 3 {
        bold = all.clone();
    }
    let light = if d1 - d0 > 8 { at(&[1.0]) } else { all };
    (bold, light)
}

/// Averages each `SCALE`×`SCALE` block of an RGB image `SCALE` times the size `w`×`h`.
fn downsample(big: &[u8], w: usize, h: usize) -> Vec<u8> {
    let s = SCALE as usize;
    let n = (s * s) as u32;
    let mut out = vec![0u8; w * h * 3];
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let mut sum = [0u32; 3];
            for dy in 0..s {
                let start = ((y * s + dy) * w * s + x * s) * 3;
                for p in big[start..start + 3 * s].chunks_exact(3) {
                    for c in 0..3 {
                        sum[c] += u32::from(p[c]);
                    }
                }
            }
            for c in 0..3 {
                px[c] = ((sum[c] + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// Registers the embedded font as "sans-serif" (once per process).
fn register_font() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "plot",
            "the embedded font could not be loaded",
        ))
    }
}

#[cfg(feature = "png")]
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let fail = |e: png::EncodingError| Error::invalid("plot", format!("PNG encoding failed: {e}"));
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(fail)?;
        writer.write_image_data(rgb).map_err(fail)?;
    }
    Ok(out)
}

#[cfg(not(feature = "png"))]
fn encode_png(_: &[u8], _: u32, _: u32) -> Result<Vec<u8>> {
    Err(Error::invalid(
        "plot",
        "PNG output needs ferrograd's `png` feature (on by default); save as .svg, or enable it",
    ))
}

/// Superscript digits for derivative labels.
fn superscript(k: usize) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    k.to_string()
        .chars()
        .map(|c| SUP[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// A figure of `f` and its first `order` derivatives (each by [`elementwise_grad`], nested)
/// at `n` evenly spaced points of `[lo, hi]`: `f` solid, the derivatives dashed. `f` must be
/// elementwise (as in the tutorials' figures).
///
/// # Panics
/// If `n < 2`, or `f` is not differentiable at the points.
#[track_caller]
pub fn derivatives(
    f: impl Fn(&Tensor) -> Tensor,
    lo: f64,
    hi: f64,
    n: usize,
    order: usize,
) -> Figure {
    assert!(
        n >= 2,
        "plot::derivatives: needs at least 2 points, got {n}"
    );
    let x = np::linspace(lo, hi, n);
    let xs = x.to_vec();
    let y_label = match order {
        0 => "f(x)",
        1 => "f(x) and df/dx",
        _ => "f(x) and its derivatives",
    };
    let mut fig = Figure::new("").labels("x", y_label);
    let mut cur: Box<dyn Fn(&Tensor) -> Tensor + '_> = Box::new(f);
    for k in 0..=order {
        let label = match k {
            0 => "f(x)".to_string(),
            1 => "df/dx".to_string(),
            k => format!("d{}f/dx{}", superscript(k), superscript(k)),
        };
        fig = fig.line(&label, &xs, &cur(&x).to_vec(), k > 0);
        if k < order {
            cur = Box::new(elementwise_grad(cur));
        }
    }
    fig
}

/// A figure of training losses against the step, on a log axis when every loss is
/// positive. The one line has no legend (the y axis says what it is).
///
/// ```
/// use ferrograd::plot;
/// let fig = plot::loss_curve(&[4.0, 2.0, 1.0, 0.5]);
/// assert!(fig.log_y);
/// assert!(fig.to_svg().unwrap().contains("loss"));
/// ```
pub fn loss_curve(losses: &[f64]) -> Figure {
    let steps: Vec<f64> = (0..losses.len()).map(|i| i as f64).collect();
    let mut fig = Figure::new("training loss")
        .labels("step", "loss")
        .line("", &steps, losses, false);
    fig.log_y = !losses.is_empty() && losses.iter().all(|&l| l > 0.0);
    fig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_print_integers_as_integers() {
        assert_eq!(tick_label(500.0, 0.0), "500");
        assert_eq!(tick_label(-4.0, 0.0), "-4");
        assert_eq!(tick_label(0.1 + 0.2, 0.0), "0.3");
        assert_eq!(tick_label(2.5, 0.0), "2.5");
        assert_eq!(tick_label(0.00125, 0.0), "0.00125");
        assert_eq!(tick_label(-0.0, 0.0), "0");
        assert_eq!(tick_label(3e-17, 1e-9), "0");
        assert_eq!(tick_label(1e20, 0.0), "1.000e20");
    }

    #[test]
    fn log_ticks_are_one_two_five_per_decade() {
        let (bold, light) = log_ticks(6.7, 420.0);
        assert_eq!(bold, vec![10.0, 20.0, 50.0, 100.0, 200.0]);
        assert!(light.contains(&7.0) && light.contains(&400.0) && !light.contains(&500.0));
        // Within one decade: every integer multiple.
        assert_eq!(log_ticks(2.5, 7.5).0, vec![3.0, 4.0, 5.0, 6.0, 7.0]);
        // Many decades: powers of ten, thinned to at most 10 labels.
        let (bold, _) = log_ticks(1e-20, 1e20);
        assert!(bold.len() <= 10 && bold.len() >= 5, "{bold:?}");
    }
}
