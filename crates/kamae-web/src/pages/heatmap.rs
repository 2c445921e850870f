//! A risk matrix drawn as SVG: likelihood up, impact across, each cell in its risk level's
//! colour. Colours are SVG attributes, not inline styles, so the page's CSP holds. The same
//! drawing serves the matrix itself and the heat maps of an assessment's risks.

use std::fmt::Write as _;

use kamae_core::risk::RiskMatrix;

use super::map::esc;

/// What one cell says, and where clicking it leads.
pub struct CellText {
    pub text: String,
    pub href: Option<String>,
}

const LEFT: usize = 160;
const TOP: usize = 10;
const CELL_W: usize = 120;
const CELL_H: usize = 60;
const BOTTOM: usize = 60;

/// `cell(probability, impact)` gives each cell's text and link; `id` names the drawing.
pub fn heat_map(
    m: &RiskMatrix,
    ja: bool,
    id: &str,
    title: &str,
    axes: (&str, &str),
    cell: impl Fn(usize, usize) -> CellText,
) -> String {
    let rows = m.probability.len();
    let cols = m.impact.len();
    let width = LEFT + cols * CELL_W + 10;
    let height = TOP + rows * CELL_H + BOTTOM;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="heatmap" id="{id}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{title}</title>"#,
        id = esc(id),
        title = esc(title),
    );
    for (row, p) in (0..rows).rev().enumerate() {
        let y = TOP + row * CELL_H;
        let _ = write!(
            out,
            r#"<text x="{x}" y="{ty}" class="axis-label" text-anchor="end">{name}</text>"#,
            x = LEFT - 8,
            ty = y + CELL_H / 2 + 5,
            name = esc(m.probability[p].name(ja)),
        );
        for i in 0..cols {
            let x = LEFT + i * CELL_W;
            let level = m.risk_of(p, i).and_then(|r| m.risk.get(r));
            let fill = level.and_then(|l| l.color.as_deref()).unwrap_or("#f3f4f6");
            let ink = level.map_or("#000000", |l| l.ink());
            let level_name = level.map_or("", |l| l.name(ja));
            let c = cell(p, i);
            let open = match &c.href {
                Some(h) => format!(r#"<a href="{}">"#, esc(h)),
                None => String::new(),
            };
            let close = if c.href.is_some() { "</a>" } else { "" };
            let _ = write!(
                out,
                r##"{open}<g class="cell" data-likelihood="{p}" data-impact="{i}"><title>{tip}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="#ffffff" stroke-width="2"/><text x="{tx}" y="{ty}" fill="{ink}" text-anchor="middle" class="cell-text">{text}</text></g>{close}"##,
                tip = esc(&format!(
                    "{} × {}: {level_name}",
                    m.probability[p].name(ja),
                    m.impact[i].name(ja)
                )),
                w = CELL_W,
                h = CELL_H,
                tx = x + CELL_W / 2,
                ty = y + CELL_H / 2 + 5,
                text = esc(&c.text),
            );
        }
    }
    let base = TOP + rows * CELL_H;
    for (i, level) in m.impact.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="{x}" y="{y}" class="axis-label" text-anchor="middle">{name}</text>"#,
            x = LEFT + i * CELL_W + CELL_W / 2,
            y = base + 20,
            name = esc(level.name(ja)),
        );
    }
    let _ = write!(
        out,
        r#"<text x="{x}" y="{y}" class="axis-title" text-anchor="middle">{impact}</text><text x="12" y="{ly}" class="axis-title" transform="rotate(-90 12 {ly})" text-anchor="middle">{likelihood}</text></svg>"#,
        x = LEFT + cols * CELL_W / 2,
        y = base + 48,
        ly = TOP + rows * CELL_H / 2,
        likelihood = esc(axes.0),
        impact = esc(axes.1),
    );
    out
}
