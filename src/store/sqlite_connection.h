#pragma once
#include <memory>
#include <string>

#include "store/connection.h"

namespace redress::store {

// Opens (creating if needed) the SQLite file at path with WAL, foreign keys on and a
// busy timeout, so that concurrent writers wait rather than fail.
Result<std::unique_ptr<Connection>> open_sqlite_connection(const std::string& path);

}  // namespace redress::store
