//! The full story on each store: set-up, enrollment, pull, bulk push with photos,
//! review, export and indicators.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;

async fn full_story(server: TestServer) {
    common::story::full_story(&server).await;
}

on_both_stores!(full_story);
