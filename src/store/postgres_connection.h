#pragma once
#include <memory>
#include <string>

#include "store/connection.h"

namespace redress::store {

// Connects with libpq to a postgresql:// URL.
Result<std::unique_ptr<Connection>> open_postgres_connection(const std::string& url);

}  // namespace redress::store
