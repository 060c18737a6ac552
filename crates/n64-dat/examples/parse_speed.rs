//! How long parsing takes: builds a synthetic 1,500-game DAT in each dialect in memory (the size
//! of a No-Intro N64 DAT) and prints the median parse time over 20 runs.
//!
//! ```text
//! cargo run --release -p n64-dat --example parse_speed
//! ```

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use n64_dat::{Dat, DatHeader, DumpStatus, Game, Rom, parse, to_logiqx};

const GAMES: usize = 1500;
const RUNS: usize = 20;

/// A DAT shaped like No-Intro's: one rom per game with every hash, a serial, a few clones.
fn synthetic() -> Dat {
    let mut games = Vec::with_capacity(GAMES);
    for i in 0..GAMES {
        let seed = u8::try_from(i % 251).unwrap_or(0);
        let name = format!("Synthetic Game {i:04} (USA) (Rev {})", i % 3);
        games.push(Game {
            name: name.clone(),
            description: Some(name.clone()),
            id: Some(format!("{i:04}")),
            cloneofid: (i % 7 == 1).then(|| format!("{:04}", i - 1)),
            roms: vec![Rom {
                name: format!("{name}.z64"),
                size: Some(8 << 20),
                crc32: Some(u32::try_from(i).unwrap_or(0).wrapping_mul(0x9E37_79B9)),
                md5: Some([seed; 16]),
                sha1: Some([seed; 20]),
                sha256: Some([seed; 32]),
                status: if i % 50 == 0 { DumpStatus::Verified } else { DumpStatus::Good },
                serial: Some(format!("N{:03}", i % 1000)),
                ..Rom::default()
            }],
            ..Game::default()
        });
    }
    let header = DatHeader { name: "Synthetic - Nintendo 64 (BigEndian)".into(), ..DatHeader::default() };
    Dat { header, games }
}

/// The same DAT as clrmamepro text.
fn clrmamepro(dat: &Dat) -> String {
    let hex = |bytes: &[u8]| {
        bytes.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    };
    let mut out = format!("clrmamepro (\n\tname \"{}\"\n)\n", dat.header.name);
    for game in &dat.games {
        let _ = writeln!(out, "\ngame (\n\tname \"{}\"\n\tdescription \"{}\"", game.name, game.name);
        for rom in &game.roms {
            let _ = writeln!(
                out,
                "\trom ( name \"{}\" size {} crc {:08X} md5 {} sha1 {} serial \"{}\" )",
                rom.name,
                rom.size.unwrap_or(0),
                rom.crc32.unwrap_or(0),
                hex(&rom.md5.unwrap_or_default()),
                hex(&rom.sha1.unwrap_or_default()),
                rom.serial.as_deref().unwrap_or(""),
            );
        }
        out.push_str(")\n");
    }
    out
}

fn median(text: &str) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let parsed = parse(text.as_bytes()).expect("the synthetic DAT parses");
            assert_eq!(parsed.dat.games.len(), GAMES);
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[RUNS / 2]
}

#[allow(clippy::print_stdout)]
fn main() {
    let dat = synthetic();
    for (dialect, text) in [("logiqx", to_logiqx(&dat)), ("clrmamepro", clrmamepro(&dat))] {
        let time = median(&text);
        println!(
            "{dialect:<10} {GAMES} games, {:>7} bytes: median {:.2} ms over {RUNS} runs",
            text.len(),
            time.as_secs_f64() * 1e3
        );
    }
}
