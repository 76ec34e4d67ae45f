By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

A bridge over the River Fallon that was closed 81 years ago has reopened to walkers and cyclists in Riverton.

The repairs were paid for by local people, who raised money by selling blue pottery at weekend markets.

Sam Lindqvist, who led the campaign, said the crossing would bring visitors from Brightwater back to the old town.

@highlight

Bridge over the River Fallon reopens after 81 years

@highlight

Repairs in Riverton were paid for by local fundraising

@highlight

Campaign leader Sam Lindqvist hopes for more visitors
