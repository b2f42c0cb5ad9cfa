#include "coattail/speed/dynamodb_alert_writer.h"

#include <string>
#include <vector>

#include "coattail/stream/dynamodb_sink.h"

namespace coattail::speed {

absl::StatusOr<AlertWriteStats> DynamoDbAlertWriter::Write(
    const std::vector<engine::Alert>& alerts, const std::vector<engine::Alert>& retractions) {
  AlertWriteStats stats;
  for (const engine::Alert& alert : alerts) {
    absl::StatusOr<bool> written =
        client_->PutItemIf(table_, stream::AlertItem(alert, /*retracted=*/false, ttl_days_),
                           "attribute_not_exists(alert_key)");
    if (!written.ok()) return written.status();
    ++(*written ? stats.written : stats.already_present);
  }
  for (const engine::Alert& alert : retractions) {
    const aws::Item item = stream::AlertItem(alert, /*retracted=*/true, ttl_days_);
    const aws::Item key = {{"wallet", item.at("wallet")}, {"alert_key", item.at("alert_key")}};
    absl::StatusOr<bool> updated =
        client_->UpdateItemIf(table_, key, "SET retracted = :t", "attribute_exists(alert_key)",
                              {{":t", aws::AttributeValue::Bool(true)}});
    if (!updated.ok()) return updated.status();
    ++(*updated ? stats.retracted : stats.retractions_without_alert);
  }
  return stats;
}

}  // namespace coattail::speed
