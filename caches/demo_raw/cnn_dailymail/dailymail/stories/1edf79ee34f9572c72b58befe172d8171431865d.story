By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

A bridge over the River Garrow that was closed 83 years ago has reopened to walkers and cyclists in Millbrook.

The repairs were paid for by local people, who raised money by selling glass beads at weekend markets.

Carla Lindqvist, who led the campaign, said the crossing would bring visitors from Hollowmere back to the old town.

@highlight

Bridge over the River Garrow reopens after 83 years

@highlight

Repairs in Millbrook were paid for by local fundraising

@highlight

Campaign leader Carla Lindqvist hopes for more visitors
