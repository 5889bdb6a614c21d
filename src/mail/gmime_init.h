#pragma once
// GMime must be initialised once per process before any use, from any thread.
namespace redress::mail {
void ensure_gmime();
}  // namespace redress::mail
