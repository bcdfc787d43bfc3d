//! Line plots with plotters, to SVG or PNG (chosen by the file's extension), with no system
//! libraries: text is drawn with an embedded DejaVu Sans font through ab_glyph, and PNGs are
//! encoded by the pure-Rust `png` crate (the default `png` feature).
//!
//! Two figures of the tutorials are one call each: a function with its derivatives over a
//! range ([`derivatives`], autograd's tanh figure and MyGrad's `plot_func_and_deriv`), and a
//! training [`loss_curve`]. [`Figure`] draws any set of [`Series`].
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
use plotters::prelude::*;

use crate::io::{io_error, write_atomically};
use crate::{elementwise_grad, np};

/// One line of a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend's text.
    pub label: String,
    /// The x coordinates.
    pub x: Vec<f64>,
    /// The y coordinates (non-finite values are skipped).
    pub y: Vec<f64>,
    /// Draw dashed rather than solid.
    pub dashed: bool,
}

/// A figure of line series, drawn with [`Figure::save`].
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

    /// Adds a line.
    pub fn line(mut self, label: &str, x: &[f64], y: &[f64], dashed: bool) -> Self {
        self.series.push(Series {
            label: label.to_string(),
            x: x.to_vec(),
            y: y.to_vec(),
            dashed,
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
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, self.size).into_drawing_area();
            self.draw(&root)?;
        }
        Ok(out)
    }

    /// The figure as PNG bytes.
    ///
    /// # Errors
    /// If the figure has no drawable points, or ferrograd was built without the `png`
    /// feature.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        let (w, h) = self.size;
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, self.size).into_drawing_area();
            self.draw(&root)?;
        }
        encode_png(&rgb, w, h)
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
        if self.log_y {
            let y: LogCoord<f64> = (y0..y1).log_scale().into();
            self.draw_on(root, x0..x1, y)
        } else {
            self.draw_on(root, x0..x1, RangedCoordf64::from(y0..y1))
        }
    }

    fn draw_on<DB, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: std::ops::Range<f64>,
        y: Y,
    ) -> Result<()>
    where
        DB: DrawingBackend,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let fail = |e: String| Error::invalid("plot", format!("drawing failed: {e}"));
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(RangedCoordf64::from(x), y)
            .map_err(|e| fail(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .light_line_style(RGBColor(235, 235, 235))
            // plotters' log axis subdivides each decade into as many light steps as the label
            // hint allows, and past 9 steps they spill into the next decade (a repeated "100"
            // label and a dense band above it); 5 labels keep one decade's 1..9 grid.
            .y_labels(if self.log_y { 5 } else { 10 })
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        for (i, s) in self.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let style = color.stroke_width(2);
            let log_y = self.log_y;
            let points: Vec<(f64, f64)> =
                s.x.iter()
                    .zip(&s.y)
                    .map(|(&x, &y)| (x, y))
                    .filter(|&(x, y)| x.is_finite() && y.is_finite() && (!log_y || y > 0.0))
                    .collect();
            let drawn = if s.dashed {
                chart.draw_series(DashedLineSeries::new(points, 8, 5, style))
            } else {
                chart.draw_series(LineSeries::new(points, style))
            };
            drawn
                .map_err(|e| fail(e.to_string()))?
                .label(&s.label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", 15))
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))
    }
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
    let mut fig = Figure::new("").labels("x", "");
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
/// positive.
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
        .line("loss", &steps, losses, false);
    fig.log_y = !losses.is_empty() && losses.iter().all(|&l| l > 0.0);
    fig
}
