"""Events: trigger lexicon, argument and status rules, dates."""
