"""Service packages 服务套餐: when items are due (`cadence`), the visits they generate
(`generation`), the visits ahead as a list (`listing`) and the escalation of visits not done
(`missed`)."""
