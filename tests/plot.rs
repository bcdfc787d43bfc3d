//! `plot` writes valid PNG and SVG files: the PNG decodes to the figure's size with real
//! drawing in it; the SVG is well-formed (every element closed, properly nested).

use ferrograd::{plot, Tensor};

/// Checks that the tags of an XML document nest and close, returning the root's name.
fn check_xml(doc: &str) -> String {
    let mut stack: Vec<String> = Vec::new();
    let mut root = None;
    let mut rest = doc.trim();
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("unterminated tag") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name.trim(), "</{name}> closes <{open}>");
            continue;
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap()
            .to_string();
        assert!(!name.is_empty(), "empty tag <{tag}>");
        if root.is_none() {
            root = Some(name.clone());
        } else {
            assert!(!stack.is_empty(), "<{name}> after the root element closed");
        }
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    root.expect("no element")
}

fn figures() -> Vec<(&'static str, plot::Figure)> {
    let losses: Vec<f64> = (0..200)
        .map(|i| 10.0 * (-0.03 * i as f64).exp() + 0.1)
        .collect();
    vec![
        (
            "tanh",
            plot::derivatives(|x: &Tensor| x.tanh(), -7.0, 7.0, 200, 3)
                .title("tanh and its first three derivatives"),
        ),
        ("loss", plot::loss_curve(&losses)),
        (
            "custom",
            plot::Figure::new("two lines")
                .labels("t", "value")
                .line("a", &[0.0, 1.0, 2.0], &[1.0, f64::NAN, 3.0], false)
                .line("b", &[0.0, 2.0], &[-1.0, 0.5], true)
                .scatter("c", &[0.5, 1.0, 1.5], &[0.0, 2.0, f64::NAN]),
        ),
    ]
}

#[test]
fn svg_files_are_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    for (name, fig) in figures() {
        let path = dir.path().join(format!("{name}.svg"));
        fig.save(&path).unwrap();
        let doc = std::fs::read_to_string(&path).unwrap();
        assert!(doc.len() > 2000, "{name}: only {} bytes", doc.len());
        assert_eq!(check_xml(&doc), "svg", "{name}");
        assert!(doc.trim_end().ends_with("</svg>"), "{name}");
        // Lines are drawn (polylines or paths), and the title is written.
        assert!(doc.contains("<polyline") || doc.contains("<path"), "{name}");
        if !fig.title.is_empty() {
            assert!(doc.contains(fig.title.split(' ').next().unwrap()), "{name}");
        }
        assert_eq!(doc, fig.to_svg().unwrap(), "{name}: save writes to_svg");
    }
}

#[cfg(feature = "png")]
#[test]
fn png_files_decode_to_the_figure() {
    let dir = tempfile::tempdir().unwrap();
    for (name, fig) in figures() {
        let path = dir.path().join(format!("{name}.png"));
        fig.save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}: PNG signature");
        assert_eq!(&bytes[12..16], b"IHDR", "{name}");
        assert!(bytes.len() > 5000, "{name}: only {} bytes", bytes.len());
        assert_eq!(&bytes[bytes.len() - 8..bytes.len() - 4], b"IEND", "{name}");
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), fig.size, "{name}");
        let px = &buf[..info.buffer_size()];
        // Mostly white background with coloured lines and dark text.
        let chans = info.color_type.samples();
        let white = px
            .chunks(chans)
            .filter(|p| p.iter().all(|&c| c > 250))
            .count();
        let total = px.len() / chans;
        assert!(
            white > total / 2 && white < total,
            "{name}: {white} of {total} white"
        );
        let coloured = px
            .chunks(chans)
            .filter(|p| {
                p.len() >= 3 && p[..3].iter().max().unwrap() - p[..3].iter().min().unwrap() > 60
            })
            .count();
        assert!(coloured > 200, "{name}: only {coloured} coloured pixels");
        assert_eq!(bytes, fig.to_png().unwrap(), "{name}: save writes to_png");
    }
}

#[test]
fn bad_extension_or_empty_figure_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let fig = plot::loss_curve(&[1.0, 0.5]);
    let e = fig.save(dir.path().join("loss.jpg")).unwrap_err();
    assert!(e.to_string().contains(".svg"), "{e}");
    assert!(!dir.path().join("loss.jpg").exists());
    assert!(plot::Figure::new("empty").to_svg().is_err());
    let nan = plot::Figure::new("nan").line("x", &[0.0, 1.0], &[f64::NAN, f64::INFINITY], false);
    assert!(nan.save(dir.path().join("nan.svg")).is_err());
}

/// The texts of an SVG document's `<text>` elements.
fn svg_texts(doc: &str) -> Vec<String> {
    doc.split("<text")
        .skip(1)
        .map(|t| {
            let body = &t[t.find('>').unwrap() + 1..];
            body[..body.find("</text>").unwrap()].trim().to_string()
        })
        .collect()
}

#[test]
fn loss_curve_ticks_read_as_numbers_and_the_axis_labels_once() {
    let losses: Vec<f64> = (0..1000)
        .map(|i| 300.0 * (-0.01 * i as f64).exp() + 7.0)
        .collect();
    let texts = svg_texts(&plot::loss_curve(&losses).to_svg().unwrap());
    // Integer ticks without ".0"; the log axis labelled at 1, 2 and 5 per decade.
    for t in ["0", "500", "10", "20", "50", "100", "200"] {
        assert!(texts.iter().any(|x| x == t), "no tick {t} in {texts:?}");
    }
    assert!(!texts.iter().any(|t| t.ends_with(".0")), "{texts:?}");
    // "loss" names the y axis once (no legend repeating it).
    assert_eq!(
        texts.iter().filter(|t| *t == "loss").count(),
        1,
        "{texts:?}"
    );
}

#[test]
fn derivative_figures_label_their_y_axis_and_dash_their_legend() {
    let fig = plot::derivatives(|x: &Tensor| x.sin(), 0.0, 3.0, 50, 2);
    assert_eq!(fig.y_label, "f(x) and its derivatives");
    let texts = svg_texts(&fig.to_svg().unwrap());
    assert!(texts.iter().any(|t| t == "f(x) and its derivatives"));
    assert_eq!(
        plot::derivatives(|x: &Tensor| x.sin(), 0.0, 3.0, 50, 1).y_label,
        "f(x) and df/dx"
    );
    // A dashed series' legend swatch is dashed too: what a label adds to the drawing is
    // its swatch, several dashes for a dashed line and one stroke for a solid one.
    let x = [0.0, 1.0];
    let strokes = |label: &str, dashed: bool| {
        let doc = plot::Figure::new("")
            .line(label, &x, &x, dashed)
            .to_svg()
            .unwrap();
        doc.matches("<polyline").count() + doc.matches("<line").count()
    };
    assert!(strokes("a", true) - strokes("", true) >= 2);
    assert_eq!(strokes("a", false) - strokes("", false), 1);
}

#[test]
fn scatter_draws_a_dot_per_finite_point() {
    let fig =
        plot::Figure::new("dots").scatter("p", &[0.0, 1.0, 2.0, 3.0], &[1.0, 0.0, f64::NAN, 2.0]);
    assert_eq!(fig.series[0].mark, plot::Mark::Points);
    let doc = fig.to_svg().unwrap();
    // Three finite points, and one in the legend.
    assert_eq!(doc.matches("<circle").count(), 4);
}
