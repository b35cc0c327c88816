//! `branchbook-server`: starts the sync server with its data in one folder (SQLite and
//! photos) or on PostgreSQL. On first start it creates the `admin` account and prints
//! its one-time password once, on standard output (and keeps it in a file only the
//! server's user can read until it is changed). `branchbook-server reset-password
//! USERNAME` gives an account a new one-time password instead.

use branchbook_server::config::Config;
use branchbook_server::recovery;
use branchbook_server::server::{ServerError, bind, ensure_admin, open_store};
use branchbook_server::store::Gateway;
use clap::Parser;

/// The command line: the server's settings, and what to do (serve, unless told otherwise).
#[derive(Debug, clap::Parser)]
#[command(
    name = "branchbook-server",
    about = "Branchbook sync server: enrollment, bulk upload, review and export"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

/// What the program does besides serving.
#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Gives an account (the administrator too) a new one-time password, printed once,
    /// and signs it out everywhere; the server may be running.
    ResetPassword {
        /// The account's login name.
        username: String,
    },
}

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
    let cli = Cli::parse();
    let done = match cli.command {
        None => run(cli.config).await,
        Some(Command::ResetPassword { username }) => reset_password(cli.config, username).await,
    };
    match done {
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
    let data_dir = config.data_dir.clone();
    store
        .call(move |s| Ok(recovery::tidy_first_password(s, &data_dir)))
        .await??;
    // Bind first: the administrator is created (and its password shown) only once the
    // server can serve, so a start that fails (port taken) never spends the password.
    let unreachable = branchbook_server::console::phones::unreachable_address_warning(&config);
    let data_dir = config.data_dir.clone();
    let scheme = config.scheme();
    let bound = bind(config, store.clone()).await?;
    let password = store.call(|s| Ok(ensure_admin(s))).await??;
    if let Some(password) = password {
        // Standard output only, once: never through the logger.
        let kept = recovery::keep_first_password(&data_dir, &password)?;
        println!(
            "First start: created the administrator account 'admin' with the one-time password: {password}"
        );
        println!(
            "(also in {}, readable only by this user, until it is changed)",
            kept.display()
        );
    }
    if let Some(server) = unreachable {
        eprintln!(
            "warning: no --public-url: enrollment QR codes will carry {server}, which phones cannot reach"
        );
    }
    // The console's address first: "Listening on" is the last line (scripts wait for it).
    println!(
        "Officer console: open {scheme}://{}/ in a browser (first start: log in as admin with the password above).",
        bound.addr
    );
    let stop = stop_requested();
    println!("Listening on {scheme}://{}", bound.addr);
    tracing::info!(addr = %bound.addr, "listening");
    let served = bound.serve(stop).await;
    store.close().await;
    tracing::info!("stopped");
    served
}

/// Completes on Ctrl-C or SIGTERM (what `kill`, systemd and container runtimes send to
/// stop a service), so either lets requests in flight finish before the server exits.
/// Both signals are taken over here, at once, before the server says it listens: a
/// SIGTERM sent the moment it is up is a graceful stop too, not the default kill.
fn stop_requested() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind: SignalKind, name: &'static str| {
        let registered = signal(kind);
        async move {
            match registered {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for {name}");
                    std::future::pending::<()>().await;
                }
            }
        }
    };
    let interrupt = listen(SignalKind::interrupt(), "Ctrl-C");
    let terminate = listen(SignalKind::terminate(), "SIGTERM");
    async move {
        tokio::select! {
            () = interrupt => {}
            () = terminate => {}
        }
        tracing::info!("stopping: finishing the requests in flight");
    }
}

/// `reset-password USERNAME`: a new one-time password for the account, on standard output.
async fn reset_password(config: Config, username: String) -> Result<(), ServerError> {
    let store = Gateway::open(move || open_store(&config)).await?;
    let reset = store
        .call(move |s| Ok(recovery::reset_password(s, &username)))
        .await?;
    store.close().await;
    match reset {
        Ok(password) => {
            println!("New one-time password (to be changed at the next sign-in): {password}");
            Ok(())
        }
        Err(recovery::ResetError::Server(e)) => Err(e),
        Err(e @ recovery::ResetError::NoSuchAccount(_)) => Err(ServerError::Refused(e.to_string())),
    }
}
