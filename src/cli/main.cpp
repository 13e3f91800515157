// unrolled-cli: the headless front end. Each subcommand lives in its own cmd_*.cpp and registers itself.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "core/threads.hpp"

namespace unrolled::cli {
std::vector<Command>& commands() {
  static std::vector<Command> list;
  return list;
}
}  // namespace unrolled::cli

using namespace unrolled::cli;

static void print_usage(std::FILE* out) {
  std::fprintf(out,
               "unrolled-cli — train, trace and benchmark recurrent networks without a window\n\n"
               "usage: unrolled-cli COMMAND [flags]\n"
               "       unrolled-cli COMMAND --help\n\ncommands:\n");
  for (const Command& c : commands()) std::fprintf(out, "  %-10s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out, "\nexit codes: 0 success, 1 a run or data error, 2 a usage error\n");
}

int main(int argc, char** argv) {
  unrolled::set_compute_threads(1);  // one core unless a command's --threads asks for more
  if (argc < 2) {
    print_usage(stderr);
    return exit_usage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return exit_ok;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const Command& c : commands()) {
    if (c.name != name) continue;
    try {
      return c.run(args);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "unrolled-cli %s: %s\n(see unrolled-cli %s --help)\n", name.c_str(), e.what(),
                   name.c_str());
      return exit_usage;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "unrolled-cli %s: %s\n", name.c_str(), e.what());
      return exit_run_error;
    }
  }
  std::fprintf(stderr, "unrolled-cli: unknown command '%s'\n\n", name.c_str());
  print_usage(stderr);
  return exit_usage;
}
