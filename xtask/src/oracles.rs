//! The PyPI tools the tests use as oracles (`n64_testkit::tools::ORACLE_PACKAGES`), installed
//! into a virtual environment under `target/` by `cargo xtask oracles` and by the `oracles`
//! step of `cargo xtask ci`, so that a fresh machine needs nothing but Python 3 and the package
//! index.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use n64_testkit::tools::ORACLE_PACKAGES;

/// Creates the virtual environment at `venv` when missing and installs the packages it lacks.
pub fn install(venv: &Path) -> Result<()> {
    let python = venv.join("bin").join("python");
    if !python.is_file() {
        eprintln!("xtask: creating the oracle venv in {}", venv.display());
        run(Command::new("python3").arg("-m").arg("venv").arg(venv), "python3 -m venv")?;
    }
    let missing: Vec<&str> = ORACLE_PACKAGES.iter().copied().filter(|p| !installed(&python, p)).collect();
    if missing.is_empty() {
        eprintln!("xtask: the oracles are installed ({})", ORACLE_PACKAGES.join(", "));
        return Ok(());
    }
    eprintln!("xtask: pip install {}", missing.join(" "));
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet"]).args(&missing), "pip install")?;
    if let Some(package) = ORACLE_PACKAGES.iter().find(|p| !installed(&python, p)) {
        bail!("{package} is still missing after pip install");
    }
    Ok(())
}

/// Whether `pip show PACKAGE` finds it in the venv.
fn installed(python: &Path, package: &str) -> bool {
    Command::new(python).args(["-m", "pip", "show", "--quiet", package]).output().is_ok_and(|o| o.status.success())
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    let status = command.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} exited with {status}");
    }
    Ok(())
}
