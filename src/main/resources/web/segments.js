// Segments: the list and the builder (a model, nested all/any conditions, live counts and sample rows).
'use strict';
