//! Minimal server-rendered HTML: one layout, escaping, no client-side framework to build or audit.

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path segment (actor names carry `@`, `/`, spaces).
pub fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f}\
header{background:#1d1d1f;color:#fff;padding:10px 24px}header a{color:#fff;text-decoration:none;margin-right:18px}\
main{padding:16px 24px;max-width:1100px}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #e4e4e4;padding:6px 8px;text-align:left;vertical-align:top}\
.sev{font-weight:600;border-radius:4px;padding:1px 6px;color:#fff}.critical{background:#a3001b}\
.high{background:#d0021b}.medium{background:#e8870e}.low{background:#6c8ebf}\
.legend span{margin-right:16px}code{background:#f3f3f3;padding:1px 4px}";

/// A whole page with the navigation bar.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} · accesswatch</title>\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}</style></head>\
         <body><header><a href=\"/ui\"><b>accesswatch</b></a><a href=\"/ui\">Alerts</a></header>\
         <main><h1>{}</h1>{body}</main></body></html>",
        escape(title),
        escape(title)
    )
}

/// The sign-in form, answered with 401 to any page request without a valid key.
pub fn login(message: &str) -> String {
    page(
        "Sign in",
        &format!(
            "<p>{}</p><form method=\"post\" action=\"/ui/login\"><label>API key (scope read or admin) \
             <input name=\"key\" type=\"password\" size=\"52\" autocomplete=\"off\"></label> \
             <button>Sign in</button></form>",
            escape(message)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_escaped() {
        assert_eq!(
            escape("<script>\"x\"&'"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;"
        );
        assert_eq!(path_segment("a b@c/d"), "a%20b%40c%2Fd");
    }
}
