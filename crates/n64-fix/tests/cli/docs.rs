//! Completion scripts (run in bash) and man pages.

use std::process::Command;

use crate::support::{code, run, stdout};

/// What bash completes after `words` (the last one being completed), with the script sourced.
fn complete(script: &str, function: &str, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "{script}\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\n{function} '{}' '{}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words[0],
        words[cword],
    );
    let out = Command::new("bash").arg("-c").arg(program).output().expect("bash runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

/// B3: bash completes the options of every subcommand (clap_complete's script matched a state
/// it never set for a binary name with a hyphen).
#[test]
fn bash_completes_subcommand_options() {
    let out = run::<&str>(&["completions", "bash"], &[]);
    assert_eq!(code(&out), 0);
    let script = stdout(&out);
    let subcommands = complete(&script, "_n64__fix", &["n64-fix", ""]);
    for name in ["crc", "header", "convert", "normalize"] {
        assert!(subcommands.contains(&name.to_owned()), "{subcommands:?}");
    }
    for (command, option) in
        [("crc", "--cic"), ("header", "--savetype"), ("convert", "--keep-name"), ("normalize", "--rename")]
    {
        let words = complete(&script, "_n64__fix", &["n64-fix", command, "--"]);
        assert!(words.contains(&option.to_owned()), "n64-fix {command} --<TAB>: {words:?}");
    }
    // A value list: --to of convert.
    let words = complete(&script, "_n64__fix", &["n64-fix", "convert", "--to", ""]);
    assert_eq!(words, ["z64", "v64", "n64"], "n64-fix convert --to <TAB>");
}

/// B10: every page the main man page refers to can be printed, and no NAME line repeats the
/// program's name.
#[test]
fn every_referenced_man_page_exists() {
    let main = stdout(&run::<&str>(&["man"], &[]));
    assert!(main.contains(".TH n64-fix 1"), "{main}");
    assert!(!main.contains("n64\\-fix \\- n64\\-fix"), "the NAME line repeats itself: {main}");
    let referenced: Vec<&str> = main
        .match_indices("n64\\-fix\\-")
        .filter_map(|(i, _)| main[i + 10..].split('(').next())
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert!(referenced.len() >= 4, "{referenced:?}");
    for page in referenced {
        let out = run(&["man", page], &[] as &[&str]);
        assert_eq!(code(&out), 0, "n64-fix man {page}: {}", out.stderr);
        assert!(stdout(&out).contains(&format!(".TH n64-fix-{page} 1")), "n64-fix man {page}");
    }
    let out = run(&["man", "nonsense"], &[] as &[&str]);
    assert_eq!(code(&out), 2);
    assert!(out.stderr.contains("no manual page for \"nonsense\""), "{}", out.stderr);
}
