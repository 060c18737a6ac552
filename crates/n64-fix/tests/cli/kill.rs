//! Killing `normalize` at random moments: no content is ever lost or half-written, and a rerun
//! completes the work.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use n64_core::ByteOrder;

use crate::support::*;

const ROMS: usize = 12;
const SIZE: usize = 4 << 20;

fn build(root: &Path) -> BTreeSet<u64> {
    fs::create_dir_all(root.join("nested")).unwrap();
    let mut contents = BTreeSet::new();
    for i in 0..ROMS {
        let be = rom_be(100 + i as u64, SIZE, &format!("GAME {i:02}"));
        let order = ByteOrder::ALL[i % 3];
        let dir = if i % 2 == 0 { root.to_path_buf() } else { root.join("nested") };
        fs::write(dir.join(format!("rom{i:02}.{}", ByteOrder::ALL[(i + 1) % 3])), stored(&be, order)).unwrap();
        contents.insert(n64_testkit::files::fingerprint(&be));
    }
    contents
}

/// The fingerprint of every file's big-endian content, skipping the tool's temporary files.
fn contents(root: &Path) -> Vec<u64> {
    tree(root)
        .into_iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with(".n64-tmp-"))
        .map(|p| be_content(&root.join(p)))
        .collect()
}

#[test]
fn killed_runs_lose_nothing_and_a_rerun_completes() {
    // How long an uninterrupted run takes here, so the kills spread over all of it (reading,
    // then writing and renaming).
    let calibration = tempfile::tempdir().unwrap();
    build(&calibration.path().join("tree"));
    let start = std::time::Instant::now();
    let out = run(&["-q", "normalize", "--rename", "{title}", "--to", "z64"], &[calibration.path().join("tree")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let full = u64::try_from(start.elapsed().as_millis()).unwrap().max(10);
    drop(calibration);

    let mut rng = Rng(0x5EED);
    let iterations = 5;
    for iteration in 0..iterations {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let expected = build(&root);
        // Iteration i is killed somewhere in the i-th fifth of a full run (at least 5 ms in).
        let delay = 5 + (full * iteration + rng.below(full)) / iterations;
        let mut child = n64_testkit::run::command(n64_fix_binary())
            .args(["-q", "normalize", "--rename", "{title}", "--to", "z64"])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // SIGKILL: no handler runs.
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();

        // Every file is some ROM's old or new content, complete; no content is missing.
        let found = contents(&root);
        for sha in &found {
            assert!(expected.contains(sha), "iteration {iteration} (delay {delay} ms): a file holds unknown content");
        }
        assert_eq!(found.iter().copied().collect::<BTreeSet<_>>(), expected, "iteration {iteration}: content lost");

        let out = run(&["-q", "normalize", "--rename", "{title}", "--to", "z64"], &[&root]);
        assert_eq!(code(&out), 0, "iteration {iteration}: {}{}", stdout(&out), stderr(&out));
        let mut names: Vec<String> = tree(&root).iter().map(|p| p.display().to_string()).collect();
        names.sort();
        let mut wanted: Vec<String> = (0..ROMS)
            .map(|i| if i % 2 == 0 { format!("GAME {i:02}.z64") } else { format!("nested/GAME {i:02}.z64") })
            .collect();
        wanted.sort();
        assert_eq!(names, wanted, "iteration {iteration} (delay {delay} ms)");
        for name in &names {
            let data = fs::read(root.join(name)).unwrap();
            assert_eq!(data[..4], [0x80, 0x37, 0x12, 0x40], "{name} is not z64");
        }
        assert_eq!(contents(&root).into_iter().collect::<BTreeSet<_>>(), expected);
    }
}
