#include "coattail/stats/decayed_moments.h"
