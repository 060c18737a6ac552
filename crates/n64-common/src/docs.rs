//! Completion scripts and man pages, generated from a binary's clap definition, and the two
//! subcommands that print them.

use clap_complete::Shell;

use crate::Exit;
use crate::output::{self, Stop};

/// The subcommands both binaries have: `completions SHELL` and `man [COMMAND]` (flattened into
/// each binary's own subcommands).
#[derive(Debug, Clone, clap::Subcommand)]
pub enum DocCommand {
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: Shell,
    },
    /// Print a man page (roff): the program's, or a command's (e.g. `man check` prints the page
    /// the main page calls PROGRAM-check(1)).
    Man {
        /// The command whose page to print.
        #[arg(value_name = "COMMAND")]
        page: Option<String>,
    },
}

impl DocCommand {
    /// Prints what the subcommand asks for, from `command` (the binary's clap definition).
    pub fn run(&self, command: clap::Command) -> Result<Exit, Stop> {
        let program = command.get_name().to_owned();
        let bytes = match self {
            DocCommand::Completions { shell } => completion_script(command, *shell).into_bytes(),
            DocCommand::Man { page } => match man_page(command, page.as_deref()) {
                Ok(page) => page,
                Err(message) => return Ok(crate::batch::usage_error(&program, message)),
            },
        };
        output::with_stdout(|out| out.write_all(&bytes))?;
        Ok(Exit::Ok)
    }
}

/// A shell completion script for `command` (the binary's clap definition).
///
/// Bash scripts get one correction: clap_complete spells the state of a subcommand of a binary
/// whose name has a hyphen (`n64-fix crc`) one way where it sets it (`n64__fix__subcmd__crc`) and
/// another where it matches it (`n64__subcmd__fix__subcmd__crc`), so no subcommand option ever
/// completed (clap issue 6421). The match labels are respelled the way they are set.
pub fn completion_script(mut command: clap::Command, shell: Shell) -> String {
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name.clone(), &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    if shell == Shell::Bash && name.contains('-') {
        let wrong = name.replace('-', "__subcmd__");
        let right = name.replace('-', "__");
        return script.replace(&format!("{wrong}__subcmd__"), &format!("{right}__subcmd__"));
    }
    script
}

/// The man page (roff) of `command`, or of its subcommand `page` (named as the main page's
/// SUBCOMMANDS section refers to it: `n64 man info` is the page `n64-info(1)`).
pub fn man_page(command: clap::Command, page: Option<&str>) -> Result<Vec<u8>, String> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let chosen = match page {
        None => command,
        Some(name) => command.find_subcommand(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = command.get_subcommands().map(clap::Command::get_name).collect();
            format!("no manual page for {name:?}; pages: {}", names.join(", "))
        })?,
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(chosen).render(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
