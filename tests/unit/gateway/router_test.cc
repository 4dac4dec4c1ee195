// Unit tests of the REST router: templates, literal precedence, methods, trailing slash.
#include "services/gateway/router.h"

#include <gtest/gtest.h>

namespace rms::gateway {
namespace {

RouteHandler Named(std::string name) {
  return [name](const RouteRequest&) -> absl::StatusOr<std::string> { return name; };
}

Router MakeRouter() {
  Router router;
  router.Add({"POST", "/v2/{project_id}/migration-task/batch-stop", true, Named("batch-stop")});
  router.Add({"GET", "/v2/{project_id}/migration-task/{task_id}", true, Named("show")});
  router.Add({"POST", "/v2/{project_id}/migration-task/{task_id}/stop", true, Named("stop")});
  router.Add({"POST", "/v2/{project_id}/migration/{task_id}/task", true, Named("configure")});
  return router;
}

TEST(RouterTest, MatchesTemplatesAndExtractsParameters) {
  Router router = MakeRouter();
  RouteMatch match = router.Match("POST", "/v2/p1/migration/t9/task");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(*match.route->handler(RouteRequest{}), "configure");
  EXPECT_EQ(match.params["project_id"], "p1");
  EXPECT_EQ(match.params["task_id"], "t9");
}

TEST(RouterTest, LiteralRoutesWinAndMethodsMatter) {
  Router router = MakeRouter();
  EXPECT_EQ(*router.Match("POST", "/v2/p/migration-task/batch-stop").route->handler({}),
            "batch-stop");
  EXPECT_EQ(*router.Match("GET", "/v2/p/migration-task/batch-stop").route->handler({}), "show");
  EXPECT_EQ(router.Match("DELETE", "/v2/p/migration-task/t").route, nullptr);
  EXPECT_EQ(router.Match("GET", "/v2/p/migration-task/t/extra/more").route, nullptr);
  EXPECT_EQ(router.Match("GET", "/v2//migration-task/t").route, nullptr);
}

TEST(RouterTest, IgnoresOneTrailingSlash) {
  Router router = MakeRouter();
  EXPECT_NE(router.Match("GET", "/v2/p/migration-task/t/").route, nullptr);
}

}  // namespace
}  // namespace rms::gateway
