// Models (columns, key, preview, count) and destinations (settings with secrets masked, Test).
'use strict';
