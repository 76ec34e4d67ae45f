By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

A bridge over the River Esker that was closed 75 years ago has reopened to walkers and cyclists in Hollowmere.

The repairs were paid for by local people, who raised money by selling glass beads at weekend markets.

Hiro Novak, who led the campaign, said the crossing would bring visitors from Ashby back to the old town.

@highlight

Bridge over the River Esker reopens after 75 years

@highlight

Repairs in Hollowmere were paid for by local fundraising

@highlight

Campaign leader Hiro Novak hopes for more visitors
