"use strict";
// Votes without a page reload: see summaries/vote_views.py.
