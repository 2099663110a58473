"""The classifier's room: the labelled corpus, features, training, the model card, the
`screening train` command and the loaded model the detector adapter calls.

Importing this package is cheap: numpy, jieba and scikit-learn are imported only by the
functions that need them (training, or the first passage that needs the model).
"""
