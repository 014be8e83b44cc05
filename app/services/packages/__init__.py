"""Service packages 服务套餐: when items are due (`cadence`) and the visits they generate
(`generation`)."""
