//! Acknowledged means durable: after the server answered a push `accepted` and a photo
//! upload `complete`, a power cut (the machine stops; every write the page cache held
//! and nobody synced is gone) loses none of them, on SQLite and on PostgreSQL.
//!
//! The server (and PostgreSQL) run as programs on a disk that loses unsynced writes:
//! - by default, `power_cut/lose_unsynced.c` preloaded into every process: it keeps what
//!   a disk would hold (the bytes each file had when last fsynced) and the test puts
//!   exactly that back after killing the processes;
//! - with `BRANCHBOOK_LAZYFS` naming a LazyFS program (the FUSE file system built for
//!   this, which the project cannot fetch on CI), on a LazyFS mount instead, with its
//!   `lazyfs::clear-cache` fault.
//!
//! Then the server starts again and must hold every acknowledged record (a re-send is
//! answered `duplicate` for each) and every acknowledged photo, byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use branchbook_core::protocol::{Record, RecordStatus};
use common::Backend;
use common::cluster::Cluster;
use common::fixtures::{household, household_form, photo_bytes, photo_ref, submission};
use common::program::Program;
use reqwest::StatusCode;
use uuid::Uuid;

/// Environment variable naming a LazyFS program to run the test on instead of the shim.
const LAZYFS_VAR: &str = "BRANCHBOOK_LAZYFS";

/// A folder whose unsynced writes a power cut loses.
enum Disk {
    /// The shim: processes started with [`Disk::env`] keep the synced state in `shadow`.
    Shim {
        dir: PathBuf,
        shadow: PathBuf,
        library: PathBuf,
        armed_at: SystemTime,
    },
    /// A LazyFS mount of a folder, with its fault FIFO and output.
    LazyFs {
        mount: PathBuf,
        fifo: PathBuf,
        output: PathBuf,
        process: Child,
    },
}

impl Disk {
    /// A disk under `root` (a fresh folder that the `postgres` user may enter).
    fn new(root: &Path) -> Disk {
        match std::env::var(LAZYFS_VAR) {
            Ok(lazyfs) => Disk::lazyfs(root, &lazyfs),
            Err(_) => Disk::shim(root),
        }
    }

    fn shim(root: &Path) -> Disk {
        let library = root.join("lose_unsynced.so");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/power_cut/lose_unsynced.c");
        let built = Command::new("cc")
            .args(["-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o"])
            .arg(&library)
            .arg(&source)
            .arg("-ldl")
            .status()
            .expect("a C compiler (cc) builds the power-cut shim");
        assert!(built.success());
        let dir = root.join("disk");
        std::fs::create_dir(&dir).unwrap();
        Disk::Shim {
            dir,
            shadow: root.join("shadow"),
            library,
            armed_at: SystemTime::now(),
        }
    }

    fn lazyfs(root: &Path, program: &str) -> Disk {
        let (under, mount) = (root.join("lazyfs-root"), root.join("disk"));
        std::fs::create_dir(&under).unwrap();
        std::fs::create_dir(&mount).unwrap();
        let fifo = root.join("faults.fifo");
        let config = root.join("lazyfs.toml");
        std::fs::write(
            &config,
            format!(
                "[faults]\nfifo_path=\"{}\"\n[cache]\napply_eviction=false\n[cache.simple]\ncustom_size=\"1gb\"\nblocks_per_page=1\n[filesystem]\nlog_all_operations=false\nlogfile=\"\"\n",
                fifo.display()
            ),
        )
        .unwrap();
        let output = root.join("lazyfs.out");
        let process = Command::new(program)
            .arg(&mount)
            .arg("--config-path")
            .arg(&config)
            .args(["-o", "allow_other", "-o", "modules=subdir", "-o"])
            .arg(format!("subdir={}", under.display()))
            .arg("-f")
            .stdout(std::fs::File::create(&output).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !std::fs::read_to_string("/proc/mounts")
            .unwrap()
            .contains(&format!(" {} ", mount.display()))
        {
            assert!(Instant::now() < deadline, "LazyFS did not mount");
            std::thread::sleep(Duration::from_millis(50));
        }
        Disk::LazyFs {
            mount,
            fifo,
            output,
            process,
        }
    }

    /// Where the server's and PostgreSQL's data go.
    fn dir(&self) -> &Path {
        match self {
            Disk::Shim { dir, .. } => dir,
            Disk::LazyFs { mount, .. } => mount,
        }
    }

    /// From now on, what the folder holds is what a power cut keeps until written anew
    /// and synced.
    fn arm(&mut self) {
        if let Disk::Shim {
            dir,
            shadow,
            armed_at,
            ..
        } = self
        {
            copy_tree(dir, shadow);
            std::fs::write(shadow.join(".lock"), b"").unwrap();
            *armed_at = SystemTime::now();
        }
    }

    /// What a process on this disk must be started with.
    fn env(&self) -> Vec<(String, String)> {
        match self {
            Disk::Shim {
                dir,
                shadow,
                library,
                ..
            } => vec![
                ("LD_PRELOAD".into(), library.display().to_string()),
                ("POWER_CUT_DIR".into(), dir.display().to_string()),
                ("POWER_CUT_SHADOW".into(), shadow.display().to_string()),
            ],
            Disk::LazyFs { .. } => Vec::new(),
        }
    }

    /// Asserts that the processes' syncs in `sub` (a folder of the disk) were seen, so
    /// the test cannot pass with a shim that was never loaded.
    fn assert_syncs_seen(&self, sub: &str) {
        if let Disk::Shim {
            shadow, armed_at, ..
        } = self
        {
            assert!(
                newest_change(&shadow.join(sub)) > Some(*armed_at),
                "no sync under {sub} reached the shim: was it preloaded?"
            );
        }
    }

    /// The power cut, once the processes are dead: every unsynced write is lost.
    fn lose_unsynced_writes(&mut self) {
        match self {
            Disk::Shim { dir, shadow, .. } => restore(dir, dir, shadow),
            Disk::LazyFs { fifo, output, .. } => {
                let cleared = |output: &Path| {
                    std::fs::read_to_string(output)
                        .unwrap()
                        .matches("cache is cleared")
                        .count()
                };
                let before = cleared(output);
                writeln!(
                    std::fs::OpenOptions::new().write(true).open(fifo).unwrap(),
                    "lazyfs::clear-cache"
                )
                .unwrap();
                let deadline = Instant::now() + Duration::from_secs(20);
                while cleared(output) == before {
                    assert!(Instant::now() < deadline, "LazyFS did not clear its cache");
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        if let Disk::LazyFs { mount, process, .. } = self {
            let _ = Command::new("fusermount3").arg("-u").arg(&*mount).status();
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Puts back over every file under `dir` its synced bytes from `shadow` (empty when it
/// was never synced). Names stay as they are: the shim treats them as durable at once.
fn restore(root: &Path, dir: &Path, shadow: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            restore(root, &path, shadow);
        } else if kind.is_file() {
            let synced = shadow.join(path.strip_prefix(root).unwrap());
            let bytes = std::fs::read(&synced).unwrap_or_default();
            std::fs::write(&path, bytes).unwrap();
        }
    }
}

fn newest_change(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.unwrap();
        let found = if entry.file_type().unwrap().is_dir() {
            newest_change(&entry.path())
        } else {
            entry.metadata().unwrap().modified().ok()
        };
        newest = newest.max(found);
    }
    newest
}

/// What the server acknowledged before the power cut.
struct Acknowledged {
    device: String,
    records: Vec<Record>,
    photos: Vec<(String, Vec<u8>)>,
}

/// An administrator sets up a branch and its phone, which pushes three batches and two
/// photos, each acknowledged.
async fn work(server: &common::program::Running) -> Acknowledged {
    let password = server.one_time_password().expect("first start");
    let admin = server.api.login_fresh("admin", &password).await;
    let device = server.api.branch_with_device(&admin).await.token;
    let form = household_form();
    let mut records = Vec::new();
    let mut photos = Vec::new();
    for batch in 0..3 {
        let bytes = photo_bytes(batch as u64, 30_000 + batch * 1000);
        let reference = photo_ref(&bytes);
        let mut pushed: Vec<Record> = (0..20)
            .map(|i| household(Uuid::now_v7(), 1, batch * 20 + i))
            .collect();
        pushed.push(submission(&form, batch, None, Some(&reference)));
        let answer = server.api.push(&device, &pushed).await;
        assert!(
            answer
                .results
                .iter()
                .all(|r| r.status == RecordStatus::Accepted),
            "{answer:?}"
        );
        records.extend(pushed);
        if batch < 2 {
            let status = server.api.upload_photo(&device, &bytes, 16_384).await;
            assert!(status.complete, "{status:?}");
            photos.push((reference.sha256, bytes));
        }
    }
    Acknowledged {
        device,
        records,
        photos,
    }
}

/// The restarted server holds everything it acknowledged.
async fn holds(server: &common::program::Running, acknowledged: &Acknowledged) {
    assert_eq!(
        server.one_time_password(),
        None,
        "the accounts survived: no first start again"
    );
    let (status, body) = server.api.login("admin", "admin-chosen-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let admin = body["token"].as_str().unwrap().to_owned();
    let again = server
        .api
        .push(&acknowledged.device, &acknowledged.records)
        .await;
    let lost: Vec<_> = again
        .results
        .iter()
        .filter(|r| r.status != RecordStatus::Duplicate)
        .map(|r| r.uuid)
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged records were not held after the power cut, first {:?}",
        lost.len(),
        acknowledged.records.len(),
        lost.first()
    );
    for (sha, bytes) in &acknowledged.photos {
        let status = server.api.photo_status(&acknowledged.device, sha).await;
        assert!(status.complete, "acknowledged photo lost: {sha} {status:?}");
        let (status, held) = server.api.office_photo(&admin, sha).await;
        assert_eq!(status, StatusCode::OK);
        assert!(held == bytes.as_slice(), "photo {sha} changed");
    }
}

async fn acknowledged_work_survives_a_power_cut(backend: Backend) {
    let root = tempfile::tempdir().unwrap();
    // PostgreSQL (as the postgres user when root) must reach its folder and the shim.
    std::fs::set_permissions(
        root.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let mut disk = Disk::new(root.path());
    let cluster = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let Some(cluster) = Cluster::init(&disk.dir().join("pg")) else {
                return;
            };
            Some(cluster)
        }
    };
    disk.arm();
    if let Some(cluster) = &cluster {
        cluster.give_to_postgres(root.path());
        cluster.start(&disk.env());
    }
    let mut program = Program::new(
        disk.dir().join("server"),
        cluster.as_ref().map(Cluster::url),
    );
    program.env = disk.env();
    let server = program.start();
    let acknowledged = work(&server).await;

    // The power cut: every process stops at once, then the unsynced writes are gone.
    server.kill();
    if let Some(cluster) = &cluster {
        cluster.stop_immediately();
        disk.assert_syncs_seen("pg");
    }
    disk.assert_syncs_seen("server");
    disk.lose_unsynced_writes();

    if let Some(cluster) = &cluster {
        cluster.start(&[]);
    }
    program.env.clear();
    let restarted = program.start();
    holds(&restarted, &acknowledged).await;
    restarted.terminate();
}

#[tokio::test]
async fn acknowledged_records_and_photos_survive_a_power_cut_on_sqlite() {
    acknowledged_work_survives_a_power_cut(Backend::Sqlite).await;
}

#[tokio::test]
async fn acknowledged_records_and_photos_survive_a_power_cut_on_postgres() {
    acknowledged_work_survives_a_power_cut(Backend::Postgres).await;
}
