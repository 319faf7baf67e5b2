//! The web UI (`/ui`): alerts, an alert's explanation with the actor's volume charted against
//! its baseline, and an actor's recent activity. Server-rendered HTML and SVG; signing in with
//! an API key sets an HttpOnly, SameSite=Strict cookie honoured for GET requests only.

mod chart;
mod html;
mod pages;

pub use html::{escape, path_segment as encode_segment};
pub use pages::router;
