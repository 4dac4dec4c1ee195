// The watch command: polls a task's details and stats and shows its progress until it ends.
#include <ostream>

#include "services/common/status_macros.h"
#include "services/ctl/command.h"
#include "services/ctl/progress_view.h"

namespace rms::ctl {
namespace {

constexpr char kRedraw[] = "\r\033[2K";  // carriage return, erase the line

// Writes each view as a JSON line, as one line redrawn in place (a terminal), or as plain lines.
class WatchPrinter {
 public:
  enum class Mode { kJson, kTerminal, kLines };
  WatchPrinter(std::ostream& out, Mode mode) : out_(out), mode_(mode) {}

  void Show(const ProgressView& view) {
    if (mode_ == Mode::kJson) {
      out_ << RenderJson(view).dump() << "\n";
    } else if (mode_ == Mode::kTerminal) {
      out_ << kRedraw << RenderLine(view);
      line_open_ = true;
    } else {
      out_ << RenderLine(view) << "\n";
    }
    out_ << std::flush;
  }

  // Ends the redrawn line; then `note`, unless the output is JSON.
  void Finish(const std::string& note) {
    if (line_open_) out_ << "\n";
    line_open_ = false;
    if (mode_ != Mode::kJson && !note.empty()) out_ << note << "\n";
    out_ << std::flush;
  }

 private:
  std::ostream& out_;
  Mode mode_;
  bool line_open_ = false;
};

absl::StatusOr<ProgressView> Poll(CommandContext& ctx, ProgressTracker& tracker, Json& details) {
  const std::string& task = ctx.args.positional[0];
  ASSIGN_OR_RETURN(details, ctx.Get(ctx.TaskPath(task)));
  ASSIGN_OR_RETURN(Json stats, ctx.Get(ctx.TaskPath(task, "/stats")));
  return tracker.Add(SampleOf(details, stats, ctx.clock.now()));
}

absl::Status Watch(CommandContext& ctx) {
  ASSIGN_OR_RETURN(absl::Duration interval, SecondsFlag(ctx.args, "--interval", absl::Seconds(1),
                                                        absl::Milliseconds(50), absl::Hours(1)));
  const bool follow = ctx.args.Switch("--follow");
  WatchPrinter printer(ctx.io.out, ctx.json()               ? WatchPrinter::Mode::kJson
                                   : ctx.io.out_is_terminal ? WatchPrinter::Mode::kTerminal
                                                            : WatchPrinter::Mode::kLines);
  ProgressTracker tracker;
  while (true) {
    Json details;
    absl::StatusOr<ProgressView> view = Poll(ctx, tracker, details);
    if (!view.ok()) {
      printer.Finish("");
      return view.status();
    }
    printer.Show(*view);
    if (absl::optional<absl::Status> end = WatchEnd(details, follow)) {
      const bool streaming = view->sample.status == "INCRMIGEATING";
      printer.Finish(streaming ? "initial sync done; the task keeps streaming changes" : "");
      return *end;
    }
    ctx.clock.sleep(interval);
  }
}

}  // namespace

void AddWatchCommand(std::vector<CommandSpec>& out) {
  out.push_back({"watch",
                 "watch TASK [--interval S] [--follow]",
                 1,
                 1,
                 {{"--interval"}, {"--follow"}},
                 Watch});
}

}  // namespace rms::ctl
