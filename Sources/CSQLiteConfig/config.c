#include <sqlite3.h>
#include "csqlite_config.h"

int showrunner_sqlite_configure(void) {
    // Memory statistics first, the threading mode last: should another thread initialize
    // SQLite between the two calls, the answer is still the threading mode's own, which is
    // what a caller checks connections against.
    int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}
