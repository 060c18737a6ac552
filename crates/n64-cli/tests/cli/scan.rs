use std::path::Path;

use crate::support::{n64, synthetic_rom, testdata, to_order, unchanged};

/// A mixed tree: all three orders, lying extensions, nested folders, a non-ROM file, a
/// truncated ROM, a FIFO and a symlink loop.
fn mixed_tree(root: &Path) {
    let data = testdata();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::copy(data.join("6102-large.z64"), root.join("a/big-endian.v64")).unwrap(); // lies
    std::fs::copy(data.join("6105.v64"), root.join("a/b/swapped.v64")).unwrap();
    std::fs::copy(data.join("6106.n64"), root.join("little.z64")).unwrap(); // lies
    std::fs::copy(data.join("libdragon.z64"), root.join("a/homebrew.bin")).unwrap(); // no ROM extension
    std::fs::write(root.join("notes.txt"), b"not a rom at all\n").unwrap();
    std::fs::copy(data.join("truncated.z64"), root.join("a/truncated.z64")).unwrap();
    #[cfg(unix)]
    {
        let status = std::process::Command::new("mkfifo").arg(root.join("a/pipe.z64")).status().unwrap();
        assert!(status.success());
        std::os::unix::fs::symlink(root, root.join("a/b/loop")).unwrap();
    }
}

#[test]
fn json_lists_roms_with_extension_checks_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    mixed_tree(dir.path());
    let run = unchanged(dir.path(), || n64(["scan".as_ref(), "--json".as_ref(), dir.path().as_os_str()]));
    assert_eq!(run.code, 2, "the truncated ROM and the loop are errors\n{}", run.stderr);
    let lines = run.json_lines();
    let (summary, records) = lines.split_last().unwrap();
    let roms: Vec<&serde_json::Value> = records.iter().filter(|r| r["type"] == "rom").collect();
    let errors: Vec<&serde_json::Value> = records.iter().filter(|r| r["type"] == "error").collect();
    assert_eq!(errors.len(), 2, "the truncated ROM and the loop: {}", run.stdout);
    assert!(errors.iter().any(|e| e["kind"] == "truncated" && e["path"].as_str().unwrap().ends_with("truncated.z64")));
    assert!(errors.iter().any(|e| e["kind"] == "symlink_loop"));
    let paths: Vec<&str> = roms.iter().map(|r| r["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted, "sorted by path");
    let by_name = |name: &str| roms.iter().find(|r| r["path"].as_str().unwrap().ends_with(name)).unwrap();
    assert_eq!(by_name("big-endian.v64")["format"], "z64");
    assert_eq!(by_name("big-endian.v64")["extension_matches"], false);
    assert_eq!(by_name("swapped.v64")["extension_matches"], true);
    assert_eq!(by_name("little.z64")["format"], "n64");
    assert_eq!(by_name("homebrew.bin")["extension_matches"], serde_json::Value::Null);
    assert_eq!(by_name("homebrew.bin")["boot_code"], "libdragon");
    assert_eq!(roms.len(), 4);
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["roms"], 4);
    assert_eq!(summary["extension_mismatches"], 2);
    assert_eq!(summary["other_files"], 2, "notes.txt and the FIFO: {summary}");
    assert!(run.stderr.contains("truncated.z64: boot code"), "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link loop, not followed"), "{}", run.stderr);
}

#[test]
fn csv_and_table_and_all() {
    let dir = tempfile::tempdir().unwrap();
    mixed_tree(dir.path());
    let run = n64(["scan".as_ref(), "--csv".as_ref(), dir.path().as_os_str()]);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "path,format,extension,size,title,game_code,region,version,cic,check_code,save_type,trailing_bytes,kind"
    );
    assert_eq!(lines.count(), 4, "{}", run.stdout);

    let run = n64(["scan".as_ref(), dir.path().as_os_str()]);
    let header = run.stdout.lines().next().unwrap();
    assert!(header.starts_with("PATH") && header.contains("  FORMAT  "), "{header}");
    assert!(run.stdout.contains("MISMATCH"), "{}", run.stdout);
    assert!(run.stdout.lines().last().unwrap().starts_with("4 ROMs ("), "{}", run.stdout);
    assert!(run.stdout.lines().last().unwrap().ends_with(", 2 other files, 2 errors"), "{}", run.stdout);
    // Columns line up: FORMAT starts at the same column in every row.
    let column = header.find("FORMAT").unwrap();
    for row in run.stdout.lines().skip(1).take(4) {
        assert!(matches!(&row[column..column + 3], "z64" | "v64" | "n64"), "{row}");
    }

    let all = n64(["scan".as_ref(), "--all".as_ref(), dir.path().as_os_str()]);
    assert!(all.stdout.contains("notes.txt: not an N64 ROM: first word"), "{}", all.stdout);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40u8 {
        std::fs::write(dir.path().join(format!("rom{i:02}.z64")), to_order(&synthetic_rom(0x1000, "PIPE", i), "z64"))
            .unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_n64"))
        .args(["scan".as_ref(), "--csv".as_ref(), dir.path().as_os_str()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, like `| head -1`.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.code().is_some_and(|c| c == 0), "{:?}", out.status);
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}
