//! B13: Ctrl-C during `normalize` stops it after the changes under way, and it says what it
//! did: every change made is reported, every change not made is reported as not done.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use n64_core::ByteOrder;

use crate::support::*;

const ROMS: usize = 24;
const SIZE: usize = 4 << 20;

fn build(root: &Path) {
    fs::create_dir_all(root).unwrap();
    for i in 0..ROMS {
        let be = rom_be(300 + i as u64, SIZE, &format!("CTRL C {i:02}"));
        fs::write(root.join(format!("rom{i:02}.v64")), stored(&be, ByteOrder::V64)).unwrap();
    }
}

/// Whether some ROM already has its new name.
fn some_renamed(root: &Path) -> bool {
    fs::read_dir(root).unwrap().flatten().any(|e| e.file_name().to_string_lossy().starts_with("CTRL C"))
}

#[cfg(unix)]
#[test]
fn ctrl_c_reports_what_was_done() {
    for attempt in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        build(&root);
        let child = n64_testkit::run::command(n64_fix_binary())
            .args(["-q", "normalize", "--rename", "{title}"])
            .arg(&root)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !some_renamed(&root) && start.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let out: Output = child.wait_with_output().unwrap().into();
        if out.code == 0 {
            eprintln!("note: attempt {attempt}: the run finished before Ctrl-C; trying again");
            continue;
        }
        assert_eq!(out.code, 130, "{}{}", out.stdout, out.stderr);
        assert!(out.stderr.is_empty(), "{}", out.stderr);
        let summary = out.stdout.lines().last().unwrap();
        assert!(summary.contains("; interrupted: ") && summary.ends_with("not made, run again to finish"), "{summary}");
        // Every ROM is reported: done (its new name exists, the old one is gone) or not done
        // (the old file is still there, untouched).
        for i in 0..ROMS {
            let old = root.join(format!("rom{i:02}.v64"));
            let new = root.join(format!("CTRL C {i:02}.z64"));
            let line = out
                .stdout
                .lines()
                .find(|l| l.starts_with(&format!("{}: ", old.display())))
                .unwrap_or_else(|| panic!("rom{i:02} reported: {}", out.stdout));
            if line.contains("not done (interrupted)") {
                assert!(old.exists() && !new.exists(), "{line}");
            } else {
                assert!(line.ends_with(&format!("converted v64 → z64, renamed to \"CTRL C {i:02}.z64\"")), "{line}");
                assert!(new.exists() && !old.exists(), "{line}");
            }
        }
        let done = out.stdout.lines().filter(|l| l.contains("renamed to") && !l.contains("not done")).count();
        assert!((1..ROMS).contains(&done), "{done} done: {}", out.stdout);
        // A rerun finishes the work.
        let out = run(&["-q", "normalize", "--rename", "{title}"], &[&root]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(tree(&root).len(), ROMS);
        assert!(tree(&root).iter().all(|p| p.to_string_lossy().starts_with("CTRL C")));
        return;
    }
    panic!("three runs finished before Ctrl-C reached them");
}
