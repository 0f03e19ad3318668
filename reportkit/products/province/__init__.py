"""The provincial summary (省级城市体检汇总报告): `reportkit province`.

data.py reads the cities the batch built; analyse.py computes the provincial
figures; narrative.py is what the provincial team's narratives may cite;
compose.py makes the Document; build.py draws, renders and writes it all.
"""
