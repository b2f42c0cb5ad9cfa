// Writes the speed layer's outcome to the alerts table, in the engine's item layout
// (stream::AlertItem: hash key wallet, range key alert_key = event time # alert id).
//  - A new alert is put only where no item has its key, so a retried batch, or the engine raising
//    the same alert, never overwrites the first writer's item.
//  - A retraction sets retracted = true on an alert that exists, and on nothing else.
#ifndef COATTAIL_SPEED_DYNAMODB_ALERT_WRITER_H_
#define COATTAIL_SPEED_DYNAMODB_ALERT_WRITER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "coattail/aws/dynamodb.h"
#include "coattail/engine/alerts.h"

namespace coattail::speed {

struct AlertWriteStats {
  int64_t written = 0;
  int64_t already_present = 0;  // an item with the alert's key was there
  int64_t retracted = 0;
  int64_t retractions_without_alert = 0;  // the trade had raised no alert
};

class DynamoDbAlertWriter {
 public:
  DynamoDbAlertWriter(aws::DynamoDbClient* client, std::string table, int64_t ttl_days = 90)
      : client_(client), table_(std::move(table)), ttl_days_(ttl_days) {}

  // Stops at the first failed write and returns its error: the handler then reports the batch
  // failed, and the retried batch finds the alerts written so far already present.
  absl::StatusOr<AlertWriteStats> Write(const std::vector<engine::Alert>& alerts,
                                        const std::vector<engine::Alert>& retractions);

 private:
  aws::DynamoDbClient* client_;
  std::string table_;
  int64_t ttl_days_;
};

}  // namespace coattail::speed

#endif  // COATTAIL_SPEED_DYNAMODB_ALERT_WRITER_H_
