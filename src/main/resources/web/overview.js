// The overview of every activation's health, and the charts of an activation's runs (uPlot, served by Sluice).
'use strict';
