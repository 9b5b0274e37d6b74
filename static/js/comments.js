"use strict";
// Replying and editing comments in place: see summaries/comment_views.py.
