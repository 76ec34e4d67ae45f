By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

A bridge over the River Garrow that was closed 77 years ago has reopened to walkers and cyclists in Hollowmere.

The repairs were paid for by local people, who raised money by selling goat cheese at weekend markets.

Yusuf Lindqvist, who led the campaign, said the crossing would bring visitors from Ferndale back to the old town.

@highlight

Bridge over the River Garrow reopens after 77 years

@highlight

Repairs in Hollowmere were paid for by local fundraising

@highlight

Campaign leader Yusuf Lindqvist hopes for more visitors
