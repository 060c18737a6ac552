//! The committed game database: every row parses, rows are sorted without duplicate keys, and
//! the generated table is what the data file gives.

#[test]
fn the_data_file_parses_sorted_without_duplicates() {
    let root = xtask::workspace_root();
    let text = std::fs::read_to_string(root.join(xtask::game_db::DATA)).expect("the data file reads");
    // parse() reports the line of any unparsable, duplicate or out-of-order row.
    let rows = xtask::game_db::parse(&text).unwrap_or_else(|e| panic!("{e:#}"));
    // ares at fc834543 tests 394 distinct IDs one per line; its special-case blocks (N3H, ND3, ND4,
    // NSM, NWR, NK4, NDK, NWT) give 16 rules of ours.
    assert_eq!(rows.len(), 410);
}

#[test]
fn the_committed_table_is_current() {
    if let Err(error) = xtask::game_db::check(&xtask::workspace_root()) {
        panic!("{error:#}");
    }
}
