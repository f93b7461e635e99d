% The forum example: a 1-channel signal of 400 steps, 75 hidden units, 3 classes.
numHiddenUnits = 75;
layers = [ ...
    sequenceInputLayer(1)
    lstmLayer(numHiddenUnits, 'OutputMode', 'sequence')
    fullyConnectedLayer(3)
    softmaxLayer
    classificationLayer];
