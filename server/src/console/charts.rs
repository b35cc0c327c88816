//! Charts drawn on the server as inline SVG (no script, no chart library, no CDN): bars
//! by area, stacked by series, and lines by month. Colours come from the stylesheet's
//! `.s0`..`.s4` classes, so the console's content policy (no inline style) holds and
//! the print view can restyle them. Every text is escaped here, since the SVG goes into
//! the page as markup.

use std::fmt::Write;

/// One series of a chart: its name in the legend and one value per category.
pub struct Series {
    /// The legend's text.
    pub label: String,
    /// One value per category (area or month).
    pub values: Vec<i64>,
}

/// Width of every chart's drawing, in SVG units (it scales to the page's width).
const WIDTH: f64 = 720.0;
/// Room for the area names left of the bars.
const LABEL_WIDTH: f64 = 200.0;
/// Height of one bar.
const BAR: f64 = 22.0;
/// Height of the legend line.
const LEGEND: f64 = 26.0;
/// Series colours the stylesheet defines.
const COLOURS: usize = 5;

/// Text safe inside SVG markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A label cut to `max` characters (an ellipsis marks the cut).
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Room a legend text of `chars` characters takes (13 px type; Vietnamese letters with
/// their marks run wider than Latin ones, so the estimate is generous).
fn text_width(chars: usize) -> f64 {
    7.6 * chars as f64
}

/// The legend, one entry per series, wrapped onto as many lines as it needs to stay
/// inside the chart's width; returns its markup and its height.
fn legend(series: &[Series]) -> (String, f64) {
    let mut out = String::new();
    let (mut x, mut y) = (0.0, 0.0);
    for (i, s) in series.iter().enumerate() {
        let label = short(&s.label, 28);
        let width = 16.0 + text_width(label.chars().count());
        if x > 0.0 && x + width > WIDTH {
            x = 0.0;
            y += LEGEND;
        }
        let _ = write!(
            out,
            r#"<rect class="s{}" x="{x}" y="{}" width="12" height="12"/><text x="{}" y="{}">{}</text>"#,
            i % COLOURS,
            y + 4.0,
            x + 16.0,
            y + 15.0,
            escape(&label)
        );
        x += width + 14.0;
    }
    (out, y + LEGEND)
}

fn open(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title),
        escape(title)
    );
}

/// Horizontal bars, one per category (an area), its series stacked left to right; the
/// bar's total is written at its end.
pub fn bars(title: &str, categories: &[String], series: &[Series]) -> String {
    let (key, top) = legend(series);
    let height = top + BAR * 1.4 * categories.len().max(1) as f64 + 8.0;
    let totals: Vec<i64> = (0..categories.len())
        .map(|i| series.iter().filter_map(|s| s.values.get(i)).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
    let room = WIDTH - LABEL_WIDTH - 60.0;
    let mut out = String::new();
    open(&mut out, height, title);
    out.push_str(&key);
    for (i, name) in categories.iter().enumerate() {
        let y = top + BAR * 1.4 * i as f64;
        let _ = write!(
            out,
            r#"<text class="cat" x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_WIDTH - 8.0,
            y + BAR * 0.72,
            escape(&short(name, 26))
        );
        let mut x = LABEL_WIDTH;
        for (k, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0);
            if value <= 0 {
                continue;
            }
            let w = room * value as f64 / max;
            let _ = write!(
                out,
                r#"<rect class="s{}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{BAR}"><title>{}: {value}</title></rect>"#,
                k % COLOURS,
                escape(&s.label)
            );
            x += w;
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            x + 6.0,
            y + BAR * 0.72,
            totals[i]
        );
    }
    out.push_str("</svg>");
    out
}

/// Lines over months or days (`categories` are their labels), one per series, with a
/// dot and its value at each point.
pub fn lines(title: &str, categories: &[String], series: &[Series]) -> String {
    let (key, legend_height) = legend(series);
    let (left, top, plot_h) = (40.0, legend_height + 14.0, 180.0);
    let height = top + plot_h + 30.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = categories.len().max(1);
    let step = (WIDTH - left - 20.0) / n as f64;
    let x_of = |i: usize| left + step * (i as f64 + 0.5);
    let y_of = |v: i64| top + plot_h - plot_h * v as f64 / max;
    let mut out = String::new();
    open(&mut out, height, title);
    out.push_str(&key);
    let _ = write!(
        out,
        r#"<line class="axis" x1="{left}" y1="{0}" x2="{1}" y2="{0}"/>"#,
        top + plot_h,
        WIDTH - 20.0
    );
    let every = n.div_ceil(12);
    for (i, label) in categories.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                out,
                r#"<text class="cat" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                x_of(i),
                top + plot_h + 18.0,
                escape(label)
            );
        }
    }
    for (k, s) in series.iter().enumerate() {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x_of(i), y_of(*v)))
            .collect();
        let _ = write!(
            out,
            r#"<polyline class="l{}" points="{}"/>"#,
            k % COLOURS,
            points.join(" ")
        );
        for (i, v) in s.values.iter().enumerate() {
            let _ = write!(
                out,
                r#"<circle class="s{}" cx="{:.1}" cy="{:.1}" r="3.5"><title>{} {}: {v}</title></circle>"#,
                k % COLOURS,
                x_of(i),
                y_of(*v),
                escape(&s.label),
                escape(categories.get(i).map_or("", String::as_str))
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
    fn names_are_escaped_and_bars_are_as_long_as_their_values() {
        let svg = bars(
            "<b>",
            &["Xã <script>".to_owned(), "Bản Hồ".to_owned()],
            &[Series {
                label: "Nữ & nam".into(),
                values: vec![4, 2],
            }],
        );
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("Xã &lt;script&gt;") && svg.contains("Nữ &amp; nam"));
        let widths: Vec<f64> = svg
            .split(r#"<rect class="s0" x="200.0""#)
            .skip(1)
            .filter_map(|rest| rest.split("width=\"").nth(1))
            .filter_map(|rest| rest.split('"').next())
            .filter_map(|w| w.parse().ok())
            .collect();
        assert_eq!(widths.len(), 2);
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.2, "{widths:?}");
    }

    #[test]
    fn a_line_has_a_point_per_month_and_no_values_draws_a_flat_line() {
        let months: Vec<String> = ["2026-01", "2026-02", "2026-03"].map(String::from).into();
        let svg = lines(
            "t",
            &months,
            &[Series {
                label: "a".into(),
                values: vec![0, 0, 0],
            }],
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("2026-02"));
    }

    /// `(x, y, text)` of the legend's texts (those right of a colour square).
    fn legend_texts(svg: &str) -> Vec<(f64, f64, String)> {
        svg.split(r#"height="12"/><text x=""#)
            .skip(1)
            .filter_map(|rest| {
                let (x, rest) = rest.split_once(r#"" y=""#)?;
                let (y, rest) = rest.split_once(r#"">"#)?;
                let (text, _) = rest.split_once("</text>")?;
                Some((x.parse().ok()?, y.parse().ok()?, text.to_owned()))
            })
            .collect()
    }

    #[test]
    fn a_long_legend_wraps_inside_the_chart() {
        let kinds = [
            "Đối thoại chính sách",
            "Truyền thông cộng đồng",
            "Tập huấn kỹ năng",
            "Sinh hoạt câu lạc bộ",
            "Khác",
        ];
        let series: Vec<Series> = kinds
            .iter()
            .map(|k| Series {
                label: (*k).to_owned(),
                values: vec![1, 2],
            })
            .collect();
        for svg in [
            bars("t", &["Xã A".to_owned(), "Xã B".to_owned()], &series),
            lines("t", &["01/03".to_owned(), "02/03".to_owned()], &series),
        ] {
            let texts = legend_texts(&svg);
            assert_eq!(texts.len(), kinds.len(), "{svg}");
            for (x, _, text) in &texts {
                assert!(
                    x + text_width(text.chars().count()) <= WIDTH,
                    "{text} at {x} runs past the edge"
                );
            }
            let rows: std::collections::BTreeSet<i64> =
                texts.iter().map(|(_, y, _)| *y as i64).collect();
            assert_eq!(rows.len(), 2, "the legend takes two lines");
            // The drawing starts below the legend's second line.
            let height: f64 = svg
                .split("viewBox=\"0 0 720 ")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|h| h.parse().ok())
                .unwrap();
            assert!(height > 2.0 * LEGEND + BAR, "{height}");
        }
    }
}
