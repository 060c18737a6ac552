//! The `package` CI step: the publishable crates (n64-core, n64-io, n64-dat, n64-patch,
//! n64-assets) pass `cargo publish --dry-run`, and the tests they ship build from the packages
//! alone, outside the workspace.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The crates published to crates.io, dependencies first.
pub const PUBLISHED: [&str; 5] = ["n64-core", "n64-io", "n64-dat", "n64-patch", "n64-assets"];

/// Runs the step from the workspace `root` with `cargo`.
pub fn check(root: &Path, cargo: &OsStr) -> Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    forget_earlier_extractions(version)?;
    let mut publish = Command::new(cargo);
    publish.args(["publish", "--dry-run", "--allow-dirty"]).current_dir(root);
    for name in PUBLISHED {
        publish.args(["-p", name]);
    }
    run(&mut publish, "cargo publish --dry-run")?;
    // The archives, where `cargo package` puts them (verified just above).
    let mut package = Command::new(cargo);
    package.args(["package", "--no-verify", "--allow-dirty"]).current_dir(root);
    for name in PUBLISHED {
        package.args(["-p", name]);
    }
    run(&mut package, "cargo package")?;

    let unpacked = tempfile::tempdir().context("creating a temporary directory")?;
    for name in PUBLISHED {
        let archive = root.join(format!("target/package/{name}-{version}.crate"));
        run(Command::new("tar").arg("-xzf").arg(&archive).arg("-C").arg(unpacked.path()), "tar")?;
    }
    // Each package's tests, built as a user of the package would (the published n64-core
    // standing in for the registry's).
    let core = unpacked.path().join(format!("n64-core-{version}"));
    for name in PUBLISHED {
        let manifest = unpacked.path().join(format!("{name}-{version}/Cargo.toml"));
        let mut build = Command::new(cargo);
        build
            .args(["test", "--no-run", "--all-targets", "--manifest-path"])
            .arg(&manifest)
            .arg("--config")
            .arg(format!("patch.crates-io.n64-core.path={:?}", core.display().to_string()))
            .env("CARGO_TARGET_DIR", root.join("target/package-tests"));
        run(&mut build, &format!("building the tests of the {name} package"))?;
    }
    eprintln!("xtask: {} package and their shipped tests build", PUBLISHED.join(", "));
    Ok(())
}

/// `cargo publish --dry-run` verifies each package against the others through a temporary
/// registry, which cargo extracts under `$CARGO_HOME/registry/src/` and never extracts again for
/// the same name and version: a second run on the same machine would build against the first
/// run's sources. Our crates are not on crates.io, so every extracted copy of them there is such
/// a leftover, and is removed.
fn forget_earlier_extractions(version: &str) -> Result<()> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let Some(sources) = home.map(|home| home.join("registry/src")) else { return Ok(()) };
    let Ok(registries) = std::fs::read_dir(&sources) else { return Ok(()) };
    for registry in registries.flatten() {
        for name in PUBLISHED {
            let extracted = registry.path().join(format!("{name}-{version}"));
            if extracted.is_dir() {
                std::fs::remove_dir_all(&extracted)
                    .with_context(|| format!("removing the stale extraction {}", extracted.display()))?;
            }
        }
    }
    Ok(())
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    let status = command.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} exited with {status}");
    }
    Ok(())
}
