/// Runs the same query code against whichever backend the transaction is on.
/// `$c` is bound to `&mut SqliteConnection` or `&mut PgConnection`; the body is
/// compiled once for each, so a query that does not suit both fails to compile.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t, _) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Pg(t, _) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Binds the values of an [`crate::args::Args`] to a query, in order.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in &$args.0 {
            q = match a {
                $crate::args::Arg::Text(s) => q.bind(s.as_str()),
                $crate::args::Arg::Int(i) => q.bind(*i),
                $crate::args::Arg::Time(t) => q.bind(*t),
                $crate::args::Arg::Date(d) => q.bind(*d),
            };
        }
        q
    }};
}
