//! Charts of role C as SVG: the loss exceedance curve on a log scale of yen. Colours and
//! sizes are attributes, not inline styles, so the page's CSP holds.

use std::fmt::Write as _;

use kamae_quant::Point;

use super::map::esc;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

/// A round amount the way a reader of each language says it: 1億円 / ¥100M.
pub fn short_yen(ja: bool, amount: f64) -> String {
    if ja {
        return kamae_core::money::Yen(amount.round() as i64).in_man_oku();
    }
    let (value, unit) = match amount {
        a if a >= 1e12 => (a / 1e12, "T"),
        a if a >= 1e9 => (a / 1e9, "B"),
        a if a >= 1e6 => (a / 1e6, "M"),
        a if a >= 1e3 => (a / 1e3, "k"),
        a => (a, ""),
    };
    let text = format!("{value:.1}");
    format!("¥{}{unit}", text.trim_end_matches(".0"))
}

/// An estimate the way a reader takes it in: to the 10,000 yen in Japanese (2億1,578万円),
/// to three figures in English (¥215.8M). Simulated figures are not worth their last yen.
pub fn approx_yen(ja: bool, amount: f64) -> String {
    let sign = if amount < 0.0 { "-" } else { "" };
    let a = amount.abs();
    if ja {
        let man = (a / 1e4).round() * 1e4;
        let text = kamae_core::money::Yen(man as i64).in_man_oku();
        return format!("{sign}{text}");
    }
    format!("{sign}{}", short_yen(false, a))
}

/// The loss exceedance curve: the probability (up) that a year's loss reaches an amount
/// (across, log scale). `marks` are amounts drawn as dashed verticals with their label.
pub fn loss_exceedance(
    id: &str,
    title: &str,
    axes: (&str, &str),
    ja: bool,
    curves: &[(&str, &str, &[Point])],
    marks: &[(f64, String)],
) -> String {
    let points = curves.iter().flat_map(|c| c.2.iter());
    let (mut low, mut high, mut top) = (f64::INFINITY, 0.0f64, 0.0f64);
    for p in points.clone() {
        if p.amount > 0.0 {
            low = low.min(p.amount);
            high = high.max(p.amount);
        }
        top = top.max(p.probability);
    }
    for (m, _) in marks {
        if *m > 0.0 {
            low = low.min(*m);
            high = high.max(*m);
        }
    }
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" id="{id}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{title}</title>"#,
        id = esc(id),
        title = esc(title),
    );
    if !low.is_finite() || high <= 0.0 {
        out.push_str("</svg>");
        return out;
    }
    let (d0, d1) = (
        low.log10().floor(),
        high.log10().ceil().max(low.log10().floor() + 1.0),
    );
    // Probabilities up to the next tenth above the curve's top.
    let y_max = ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x_of = |amount: f64| LEFT + (amount.log10() - d0) / (d1 - d0) * plot_w;
    let y_of = |p: f64| TOP + (1.0 - p / y_max) * plot_h;
    // Decades across, tenths of the range up.
    let mut d = d0;
    while d <= d1 + 1e-9 {
        let x = x_of(10f64.powf(d));
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{yb:.1}" stroke="#e5e7eb"/><text x="{x:.1}" y="{ty:.1}" class="axis-label" text-anchor="middle">{label}</text>"##,
            yb = TOP + plot_h,
            ty = TOP + plot_h + 16.0,
            label = esc(&short_yen(ja, 10f64.powf(d))),
        );
        d += 1.0;
    }
    for k in 0..=4 {
        let p = y_max * f64::from(k) / 4.0;
        let y = y_of(p);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{xr:.1}" y2="{y:.1}" stroke="#e5e7eb"/><text x="{tx:.1}" y="{ty:.1}" class="axis-label" text-anchor="end">{pct:.0}%</text>"##,
            xr = LEFT + plot_w,
            tx = LEFT - 6.0,
            ty = y + 4.0,
            pct = p * 100.0,
        );
    }
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" class="axis-title" text-anchor="middle">{label}</text>"#,
        x = LEFT + plot_w / 2.0,
        y = HEIGHT - 6.0,
        label = esc(axes.0),
    );
    let _ = write!(
        out,
        r#"<text x="12" y="{y:.1}" class="axis-title" text-anchor="middle" transform="rotate(-90 12 {y:.1})">{label}</text>"#,
        y = TOP + plot_h / 2.0,
        label = esc(axes.1),
    );
    for (amount, label) in marks {
        if *amount <= 0.0 {
            continue;
        }
        let x = x_of(*amount);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{yb:.1}" stroke="#b91c1c" stroke-dasharray="4 3"/><text x="{tx:.1}" y="{ty:.1}" class="mark-label" fill="#b91c1c">{label}</text>"##,
            yb = TOP + plot_h,
            tx = x + 4.0,
            ty = TOP + 12.0,
            label = esc(label),
        );
    }
    for (class, colour, points) in curves {
        let mut path = String::new();
        for p in points.iter().filter(|p| p.amount > 0.0) {
            let _ = write!(path, "{:.1},{:.1} ", x_of(p.amount), y_of(p.probability));
        }
        let _ = write!(
            out,
            r#"<polyline class="{class}" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            class = esc(class),
            path = path.trim_end(),
            colour = esc(colour),
        );
    }
    out.push_str("</svg>");
    out
}

/// One series of a bar chart: its name, colour and one value per category.
pub struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<f64>,
}

/// Horizontal bars: one group per category (an option), one bar per series, each labelled
/// with `label(value)`; a legend names the series. Bars start at zero, negative values are
/// drawn as zero-length with their label.
pub fn bars(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[Series<'_>],
    label: impl Fn(f64) -> String,
) -> String {
    const LABEL_W: f64 = 200.0;
    const BAR_H: f64 = 14.0;
    const GAP: f64 = 10.0;
    let group_h = BAR_H * series.len() as f64 + GAP;
    let legend_h = 22.0;
    let height = legend_h + group_h * categories.len() as f64 + 8.0;
    let plot_w = WIDTH - LABEL_W - 110.0;
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0f64, f64::max);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0}" class="chart" id="{id}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{title}</title>"#,
        id = esc(id),
        title = esc(title),
    );
    let mut x = LABEL_W;
    for s in series {
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="4" width="12" height="12" fill="{colour}"/><text x="{tx:.1}" y="14" class="axis-label">{name}</text>"#,
            colour = esc(s.colour),
            tx = x + 16.0,
            name = esc(s.name),
        );
        x += 24.0 + 7.0 * s.name.chars().count() as f64;
    }
    for (c, category) in categories.iter().enumerate() {
        let y0 = legend_h + group_h * c as f64;
        let _ = write!(
            out,
            r#"<text x="{tx:.1}" y="{ty:.1}" class="axis-title" text-anchor="end">{name}</text>"#,
            tx = LABEL_W - 8.0,
            ty = y0 + (BAR_H * series.len() as f64) / 2.0 + 4.0,
            name = esc(category),
        );
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(c).copied().unwrap_or(0.0);
            let w = if top > 0.0 {
                (v.max(0.0) / top) * plot_w
            } else {
                0.0
            };
            let y = y0 + BAR_H * k as f64;
            let _ = write!(
                out,
                r#"<rect class="bar" x="{LABEL_W}" y="{y:.1}" width="{w:.1}" height="{bh:.1}" fill="{colour}"/><text x="{tx:.1}" y="{ty:.1}" class="axis-label">{value}</text>"#,
                bh = BAR_H - 2.0,
                colour = esc(s.colour),
                tx = LABEL_W + w + 4.0,
                ty = y + BAR_H - 4.0,
                value = esc(&label(v)),
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_each_language_says_them() {
        assert_eq!(short_yen(true, 1e8), "1億円");
        assert_eq!(short_yen(true, 1e6), "100万円");
        assert_eq!(short_yen(false, 1e8), "¥100M");
        assert_eq!(short_yen(false, 2.5e9), "¥2.5B");
        assert_eq!(approx_yen(true, 215_778_631.0), "2億1,578万円");
        assert_eq!(approx_yen(true, -300_000_000.0), "-3億円");
        assert_eq!(approx_yen(false, 215_778_631.0), "¥215.8M");
        assert_eq!(approx_yen(true, 0.0), "0円");
    }

    #[test]
    fn the_curve_falls_left_to_right_on_a_log_scale() {
        let points = [
            Point {
                amount: 1e6,
                probability: 0.6,
            },
            Point {
                amount: 1e8,
                probability: 0.2,
            },
        ];
        let svg = loss_exceedance(
            "lec",
            "LEC",
            ("loss", "probability"),
            false,
            &[("total", "#1d4ed8", &points)],
            &[],
        );
        // 1e6 sits on the left edge, 1e8 on the right; 0.6 is the top of the axis.
        assert!(svg.contains(r#"points="60.0,16.0 620.0,189.3""#), "{svg}");
        assert!(svg.contains("¥1M") && svg.contains("¥100M"));
    }

    #[test]
    fn bars_are_scaled_to_the_largest_value() {
        let svg = bars(
            "cmp",
            "options",
            &["WAF".to_owned(), "none".to_owned()],
            &[Series {
                name: "loss",
                colour: "#b91c1c",
                values: vec![50.0, 100.0],
            }],
            |v| format!("{v}"),
        );
        // The plot is 640 − 200 − 110 = 330 wide: 100 fills it, 50 half.
        assert!(
            svg.contains(r#"width="165.0""#) && svg.contains(r#"width="330.0""#),
            "{svg}"
        );
    }
}
