#include "coattail/stats/score.h"
