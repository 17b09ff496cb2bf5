#ifndef CSQLITE_CONFIG_H
#define CSQLITE_CONFIG_H

/// Sets SQLite's process-wide options, which only a call before its first connection can set
/// (`sqlite3_config` is variadic, so Swift cannot call it):
/// - multi-thread mode: a connection takes no mutex of its own on every call, because each is
///   used by one thread at a time (every connection here is one of GRDB's serialized ones);
/// - no memory statistics: no process-wide mutex around every allocation SQLite makes.
/// Returns SQLITE_OK (0), or SQLITE_MISUSE (21) when SQLite was already initialized: the
/// defaults (serialized, with statistics) then stay, which is as correct and a little slower.
/// The answer is the threading mode's: it is set last, so a connection opened in another
/// thread between the two settings (only the tests' shared process has one) may leave memory
/// statistics off and the connections serialized, never the other way round.
int showrunner_sqlite_configure(void);

#endif
