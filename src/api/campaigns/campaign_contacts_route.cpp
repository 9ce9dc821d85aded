#include "api/campaigns/campaign_contacts_route.hpp"

#include <stdexcept>

#include "api/common/list_params.hpp"
#include "api/common/storage_reply.hpp"
#include "contract/contract.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "domain/campaigns/campaign_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/router.hpp"

namespace sb::api {
namespace {

constexpr const char* kPath = "/v2/campaign/{id}/contacts";

// Every `status` given (the parameter is a list: repeated, each value checked by the contract).
std::vector<std::string> statuses(const http::Request& request) {
  std::vector<std::string> out;
  for (const auto& [name, value] : request.query)
    if (name == "status") out.push_back(value);
  return out;
}

campaigns::ContactQuery contact_query(const http::Request& request) {
  campaigns::ContactQuery q;
  q.statuses = statuses(request);
  q.by_status = request.query_value("sortBy") == "status";
  q.limit = integer_query(request, "limit", 100);
  q.page = std::max<std::int64_t>(1, integer_query(request, "page", 1));
  return q;
}

}  // namespace

CampaignContactsRoute::CampaignContactsRoute(storage::Store& store,
                                             const resources::ResourceService& service,
                                             const contract::Contract& contract,
                                             const resources::ResourceSpec& campaigns)
    : store_(store), service_(service), contract_(contract), campaigns_(campaigns) {}

int CampaignContactsRoute::register_routes(http::Router& router) {
  const auto* op = contract_.operation("get", kPath);
  if (!op) throw std::logic_error(std::string("no contract operation GET ") + kPath);
  http::Route route;
  route.method = http::Method::kGet;
  route.path = kPath;
  route.operation = op;
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    reply_from_read(store_, std::move(reply), ctx.request.request_id,
                    [this, org = std::move(ctx.org_id), id = ascii_lower(ctx.request.param("id")),
                     query = contact_query(ctx.request)](storage::Session& s) {
                      const auto campaign = service_.load(s, campaigns_, org, id);
                      return http::Response::json(
                          200, json_text(campaigns::contacts_page(campaign, query)));
                    });
  };
  router.add(std::move(route));
  return 1;
}

}  // namespace sb::api
