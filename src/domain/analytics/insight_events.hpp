#pragma once
// An insight's query on the events table (JSONQueryOnEventsTable): the event type it counts
// (`on`), its operation (count, or percentage: the events per 100 calls), and its filters on
// the events' data (EventsTable{String,Number,Boolean}Condition). The events this server
// records are domain/calls/call_events.hpp's.

#include <string>

#include <boost/json/object.hpp>

#include "storage/analytics_repository.hpp"

namespace sb::analytics {

struct EventQuery {
  storage::AnalyticsEvents events;
  storage::AnalyticsAggregate aggregate;  ///< kCount or kPercentage
};

/// Parses one events-table query; throws ApiError (400) naming what is wrong under `where`
/// ("queries.0"). A filter on a type this server records must name a field it carries, with
/// a value of that field's kind.
EventQuery parse_event_query(const boost::json::object& query, const std::string& where);

}  // namespace sb::analytics
