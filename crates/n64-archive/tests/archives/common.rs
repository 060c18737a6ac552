//! Shared fixtures: a tree of sample files, the tools' listings, and reading every member back.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use n64_archive::{ArchiveError, MemberInfo, for_each_member};
use n64_testkit::Rng;
use n64_testkit::tools::run_in;

/// The sample files, by relative path; a path ending in `/` is an empty directory.
pub(crate) fn sample_files() -> Vec<(String, Vec<u8>)> {
    vec![
        ("a.txt".into(), b"hello".to_vec()),
        ("empty.bin".into(), Vec::new()),
        ("sub/rom.z64".into(), Rng(0x64).bytes(120_000)),
        ("sub/zeros.bin".into(), vec![0; 100_000]),
        ("sub/\u{fc}n\u{ef}c\u{f6}d\u{e9} \u{2603}.txt".into(), "snow \u{2603}".as_bytes().to_vec()),
        // A backslash is a name character on Linux; both tools store it as it is.
        ("sub/back\\slash.txt".into(), b"\\".to_vec()),
        ("sub/deeper/".into(), Vec::new()),
    ]
}

/// Writes `files` under `dir`.
pub(crate) fn write_tree(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (name, data) in files {
        let path = dir.join(name);
        if name.ends_with('/') {
            std::fs::create_dir_all(&path).unwrap();
        } else {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, data).unwrap();
        }
    }
}

/// A temporary directory with the sample files in `src/`.
pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let files = sample_files();
        write_tree(&dir.path().join("src"), &files);
        Fixture { dir, files }
    }

    pub(crate) fn src(&self) -> PathBuf {
        self.dir.path().join("src")
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `tool` with `args` in `src/`.
    pub(crate) fn run(&self, tool: &Path, args: &[&str]) -> String {
        run_in(&self.src(), tool, args)
    }

    /// The original content of the member called `name`.
    pub(crate) fn original(&self, name: &str) -> &[u8] {
        let found = self.files.iter().find(|(n, _)| n == name || n.trim_end_matches('/') == name);
        &found.unwrap_or_else(|| panic!("no sample file {name:?}")).1
    }
}

/// Every member with all its bytes, through `for_each_member`.
pub(crate) fn read_all(path: &Path) -> Result<Vec<(MemberInfo, Vec<u8>)>, ArchiveError> {
    let mut out = Vec::new();
    for_each_member(path, &mut |info, data| {
        let mut bytes = Vec::new();
        data.read_to_end(&mut bytes)?;
        out.push((info.clone(), bytes));
        Ok(())
    })?;
    Ok(out)
}

/// One entry of a tool's listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    pub(crate) name: String,
    pub(crate) size: u64,
    pub(crate) crc32: Option<u32>,
    pub(crate) is_dir: bool,
}

impl Listed {
    pub(crate) fn of(info: &MemberInfo) -> Listed {
        Listed { name: info.name.clone(), size: info.size, crc32: info.crc32, is_dir: info.is_dir }
    }
}

/// The central directory of a zip as Python's zipfile reads it. Names without the UTF-8 flag are
/// decoded by zipfile as code page 437; the script re-encodes them to their stored bytes and
/// decodes those as UTF-8 when they are valid UTF-8, as Info-ZIP writes them on Linux.
pub(crate) fn python_zip_listing(python: &Path, zip: &Path) -> Vec<Listed> {
    let script = "import sys, zipfile\n\
        for i in zipfile.ZipFile(sys.argv[1]).infolist():\n\
        \x20   name = i.filename\n\
        \x20   if not i.flag_bits & 0x800:\n\
        \x20       raw = name.encode('cp437')\n\
        \x20       try: name = raw.decode('utf-8')\n\
        \x20       except UnicodeDecodeError: pass\n\
        \x20   sys.stdout.buffer.write(('%s\\t%d\\t%08x\\t%d\\n' % (name, i.file_size, i.CRC, i.is_dir())).encode('utf-8'))";
    let out = Command::new(python).arg("-c").arg(script).arg(zip).output().unwrap();
    assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Listed {
                name: fields[0].to_owned(),
                size: fields[1].parse().unwrap(),
                crc32: Some(u32::from_str_radix(fields[2], 16).unwrap()),
                is_dir: fields[3] == "1",
            }
        })
        .collect()
}

/// The entries of a 7z as `7zz l -slt` lists them, in archive order.
pub(crate) fn seven_zip_listing(seven_zip: &Path, archive: &Path) -> Vec<Listed> {
    let text = run_in(archive.parent().unwrap(), seven_zip, &["l", "-slt", archive.to_str().unwrap()]);
    let entries = text.split_once("\n----------\n").expect("7zz -slt separates the archive's own block").1;
    entries
        .split("\n\n")
        .filter(|block| block.contains("Path = "))
        .map(|block| {
            let field = |key: &str| {
                block.lines().find_map(|line| line.strip_prefix(key).and_then(|rest| rest.strip_prefix(" = ")))
            };
            Listed {
                name: field("Path").unwrap().to_owned(),
                size: field("Size").unwrap().parse().unwrap(),
                crc32: field("CRC").filter(|crc| !crc.is_empty()).map(|crc| u32::from_str_radix(crc, 16).unwrap()),
                is_dir: field("Attributes").unwrap_or("").starts_with('D') || field("Folder") == Some("+"),
            }
        })
        .collect()
}

/// Asserts that every file member's bytes are the original file's, and that directories are
/// flagged and empty. Returns how many file members there were.
pub(crate) fn assert_contents(fixture: &Fixture, members: &[(MemberInfo, Vec<u8>)]) -> usize {
    let mut files = 0;
    for (index, (info, data)) in members.iter().enumerate() {
        assert_eq!(info.index, index);
        if info.is_dir {
            assert!(data.is_empty() && info.size == 0, "{info:?}");
        } else {
            assert_eq!(data.as_slice(), fixture.original(&info.name), "{}", info.name);
            files += 1;
        }
    }
    files
}

/// Writes `bytes` with the byte at `offset` inverted to `path`.
pub(crate) fn write_flipped(path: &Path, bytes: &[u8], offset: usize) {
    let mut bytes = bytes.to_vec();
    bytes[offset] ^= 0xFF;
    std::fs::write(path, bytes).unwrap();
}

/// Asserts that the walk over `path` fails because of a member's bad data.
pub(crate) fn assert_member_fails(path: &Path) {
    match read_all(path) {
        Err(ArchiveError::Member { source, .. }) => {
            assert_eq!(source.kind(), std::io::ErrorKind::InvalidData, "{source}");
        }
        other => panic!("{}: expected a member error, got {other:?}", path.display()),
    }
}

/// Cuts `bytes` at several points and asserts that listing and walking each prefix fails with an
/// error, and that no format crate panicked on the way.
pub(crate) fn assert_truncations_fail(dir: &Path, bytes: &[u8]) {
    let len = bytes.len();
    let mut cuts = vec![0, 1, 4, 6, 8, 20, 31, 32, 33, 64, len / 3, len / 2];
    cuts.extend([100, 40, 22, 2, 1].map(|back| len.saturating_sub(back)));
    cuts.retain(|&cut| cut < len);
    for cut in cuts {
        let path = dir.join(format!("cut-{cut}"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        for result in [read_all(&path).map(|_| ()), n64_archive::list(&path).map(|_| ())] {
            match result {
                Ok(()) => panic!("an archive cut at {cut} of {len} bytes was accepted"),
                Err(ArchiveError::Corrupt { detail }) if detail.contains("reader failed") => {
                    panic!("cut at {cut}: a format crate panicked: {detail}")
                }
                Err(_) => {}
            }
        }
    }
}

/// Writes a zip made by Python's zipfile: `entries` are (name, data, deflate?), in order.
/// zipfile stores names as given (`..`, absolute paths and duplicates included).
pub(crate) fn python_make_zip(python: &Path, path: &Path, entries: &[(&str, &[u8], bool)]) {
    let script = "import sys, zipfile, warnings\n\
        warnings.simplefilter('ignore')\n\
        with zipfile.ZipFile(sys.argv[1], 'w') as z:\n\
        \x20   for line in sys.stdin.read().splitlines():\n\
        \x20       name, data, deflate = line.split('\\t')\n\
        \x20       info = zipfile.ZipInfo(bytes.fromhex(name).decode('utf-8'), date_time=(1996, 12, 24, 23, 32, 0))\n\
        \x20       info.compress_type = zipfile.ZIP_DEFLATED if deflate == '1' else zipfile.ZIP_STORED\n\
        \x20       z.writestr(info, bytes.fromhex(data))";
    let mut spec = String::new();
    for (name, data, deflate) in entries {
        writeln!(spec, "{}\t{}\t{}", hex(name.as_bytes()), hex(data), u8::from(*deflate)).unwrap();
    }
    let mut child =
        Command::new(python).arg("-c").arg(script).arg(path).stdin(std::process::Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), spec.as_bytes()).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success(), "python3 zipfile failed");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut text, b| {
        write!(text, "{b:02x}").unwrap();
        text
    })
}
