// CRC-32 (IEEE 802.3, the zlib polynomial). DynamoDB sends one of every response body in the
// x-amz-crc32 header so clients can detect corruption the TCP checksum missed.
#ifndef COATTAIL_AWS_CRC32_H_
#define COATTAIL_AWS_CRC32_H_

#include <cstdint>
#include <string_view>

namespace coattail::aws {

uint32_t Crc32(std::string_view data);

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_CRC32_H_
