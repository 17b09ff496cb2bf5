#include <sqlite3.h>
#include "csqlite_config.h"

int showrunner_sqlite_configure(void) {
    // OK only when both were set: should another thread initialize SQLite between the two
    // calls, the second answers SQLITE_MISUSE, and the caller assumes neither.
    int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}
