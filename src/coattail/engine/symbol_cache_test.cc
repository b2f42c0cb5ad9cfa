#include "coattail/engine/symbol_cache.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace coattail::engine {
namespace {

TEST(SymbolCacheTest, FindsWhatWasInserted) {
  SymbolCache cache;
  EXPECT_EQ(cache.Find("ETH"), SymbolCache::kMiss);
  cache.Insert("ETH", 7);
  EXPECT_EQ(cache.Find("ETH"), 7u);
  cache.Clear();
  EXPECT_EQ(cache.Find("ETH"), SymbolCache::kMiss);
}

TEST(SymbolCacheTest, NeverAnswersWithAnotherSymbolsId) {
  // Every length the packing handles differently, and symbols that share a prefix, a suffix, the
  // bytes the short packing reads, or their bytes in another length.
  std::vector<std::string> symbols;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (size_t n = 1; n <= SymbolCache::kMaxLength; ++n) {
    for (size_t shift = 0; shift < 12; ++shift) {
      std::string s;
      for (size_t i = 0; i < n; ++i) s += alphabet[(i * 7 + shift) % alphabet.size()];
      symbols.push_back(s);
      std::string t = s;
      t[n / 2] = '_';  // differs only in the middle byte
      symbols.push_back(t);
    }
  }
  symbols.push_back("ABA");
  symbols.push_back("AAA");
  symbols.push_back("AXXA");
  symbols.push_back("AYYA");
  symbols.push_back("AAAAAAAAA");
  symbols.push_back("AAAAAAAAAA");
  SymbolCache cache;
  for (size_t i = 0; i < symbols.size(); ++i) {
    cache.Insert(symbols[i], static_cast<uint32_t>(i));
    // The newest entry is found; every other symbol finds its own id or nothing.
    ASSERT_EQ(cache.Find(symbols[i]), i) << symbols[i];
    for (size_t j = 0; j < symbols.size(); ++j) {
      const uint32_t found = cache.Find(symbols[j]);
      if (symbols[j] == symbols[i]) continue;
      ASSERT_TRUE(found == SymbolCache::kMiss || symbols[found] == symbols[j])
          << symbols[j] << " answered with the id of " << symbols[found];
    }
  }
}

TEST(SymbolCacheTest, LongAndEmptySymbolsAlwaysMiss) {
  SymbolCache cache;
  const std::string address = "0x" + std::string(40, 'a');
  cache.Insert(address, 3);
  cache.Insert("", 4);
  EXPECT_EQ(cache.Find(address), SymbolCache::kMiss);
  EXPECT_EQ(cache.Find(""), SymbolCache::kMiss);
  const std::string seventeen(17, 'Q');
  cache.Insert(seventeen, 5);
  EXPECT_EQ(cache.Find(seventeen), SymbolCache::kMiss);
  EXPECT_EQ(cache.Find(seventeen.substr(0, 16)), SymbolCache::kMiss);
}

}  // namespace
}  // namespace coattail::engine
