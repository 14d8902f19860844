"""Exchange with the spreadsheets county staff keep: Excel export and import, 多单合一 merges."""
