//! `branchbook-server`: starts the sync server with its data in one folder (SQLite and
//! photos) or on PostgreSQL. On first start it creates the `admin` account and prints
//! its one-time password once, on standard output.

use branchbook_server::config::Config;
use branchbook_server::server::{ServerError, bind, ensure_admin, open_store};
use branchbook_server::store::Gateway;
use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // The PostgreSQL client logs statement parameters (answers, names) at debug level:
    // keep it quieter than that whatever RUST_LOG says.
    let filter = match "tokio_postgres=info".parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match run(Config::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("branchbook-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), ServerError> {
    let for_open = config.clone();
    let store = Gateway::open(move || open_store(&for_open)).await?;
    tracing::info!(engine = ?store.engine(), data_dir = %config.data_dir.display(), "store open");
    // Bind first: the administrator is created (and its password shown) only once the
    // server can serve, so a start that fails (port taken) never spends the password.
    let unreachable = branchbook_server::console::phones::unreachable_address_warning(&config);
    let bound = bind(config, store.clone()).await?;
    let password = store.call(|s| Ok(ensure_admin(s))).await??;
    if let Some(password) = password {
        // Standard output only, once: never through the logger.
        println!(
            "First start: created the administrator account 'admin' with the one-time password: {password}"
        );
    }
    if let Some(server) = unreachable {
        eprintln!(
            "warning: no --public-url: enrollment QR codes will carry {server}, which phones cannot reach"
        );
    }
    // The console's address first: "Listening on" is the last line (scripts wait for it).
    println!(
        "Officer console: open http://{}/ in a browser (first start: log in as admin with the password above).",
        bound.addr
    );
    println!("Listening on http://{}", bound.addr);
    tracing::info!(addr = %bound.addr, "listening");
    let served = bound.serve(stop_requested()).await;
    store.close().await;
    tracing::info!("stopped");
    served
}

/// Completes on Ctrl-C or SIGTERM (what `kill`, systemd and container runtimes send to
/// stop a service), so either lets requests in flight finish before the server exits.
async fn stop_requested() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; stop with Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("stopping: finishing the requests in flight");
}
